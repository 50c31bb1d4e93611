// Code blocks of a Markdown page, for tests that compile and run what the docs show.
import { readFileSync } from 'node:fs';

/** One fenced code block: its language, text, and the file it names (`// file: path`), if any. */
export interface CodeBlock {
  lang: string;
  code: string;
  file?: string;
}

/** The fenced code blocks of a Markdown file, in order. */
export function codeBlocks(path: string): CodeBlock[] {
  const text = readFileSync(path, 'utf8');
  const out: CodeBlock[] = [];
  for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const code = m[2];
    const file = /^\/\/ file: (\S+)\n/.exec(code)?.[1];
    out.push({ lang: m[1], code, file });
  }
  return out;
}
