// Where CRDs come from: files and folders (searched for .yaml, .yml and .json), each file split into
// its YAML documents one at a time, `kind: List` documents (`kubectl get crd -o yaml`) opened into
// their items. Helm templates and unparseable text end with a message saying what to do.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { CodegenError } from './errors.js';
import { fastYamlValue } from './fast-yaml.js';

/** One object read from the input, with where it came from (for messages). */
export interface InputDocument {
  /** `file`, `file (document 3)` or `file (document 1, item 5)`. */
  source: string;
  /** The file it is in. */
  file: string;
  value: unknown;
}

/** A one-line reason for a failed file operation: `no such file or folder`, `permission denied`... */
export function fsReason(err: unknown): string {
  const { code, message } = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'it is a folder, not a file',
    ENOTDIR: 'a part of the path is not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
  };
  return (code && reasons[code]) ?? message;
}

const INPUT_EXT = /\.(ya?ml|json)$/i;

/**
 * The files to read for the given paths, in order: a file as it is; a folder's .yaml, .yml and
 * .json files, recursively, sorted by path (hidden files and folders skipped). Throws a
 * CodegenError for a path that cannot be read and for a folder without such files.
 *
 * @example
 * await inputFiles(['crds/', 'extra.yaml']); // ['crds/a.yaml', 'crds/sub/b.yaml', 'extra.yaml']
 */
export async function inputFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      throw new CodegenError(`cannot read CRD file ${path}: ${fsReason(err)}`);
    }
    if (!isDir) {
      out.push(path);
      continue;
    }
    const found = await filesUnder(path);
    if (found.length === 0) throw new CodegenError(`${path}: a folder with no .yaml, .yml or .json file`);
    out.push(...found);
  }
  return [...new Set(out)];
}

async function filesUnder(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new CodegenError(`cannot read folder ${dir}: ${fsReason(err)}`);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    // A symbolic link counts as what it points to.
    const target = e.isSymbolicLink() ? await stat(path).catch(() => undefined) : e;
    if (target?.isDirectory()) out.push(...(await filesUnder(path)));
    else if (target?.isFile() && INPUT_EXT.test(e.name)) out.push(path);
  }
  return out;
}

/** Reads one file's text; a CodegenError naming the path and the reason when it cannot. */
export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CodegenError(`cannot read CRD file ${path}: ${fsReason(err)}`);
  }
}

/** Splits YAML text at its document markers (`---` lines) without parsing it: [text, first line (0-based)]. */
export function* splitYamlDocuments(text: string): Generator<[string, number]> {
  const marker = /^---(?=[ \t]|$)|^\.\.\.[ \t]*$/gm;
  let start = 0;
  let line = 0;
  const emit = function* (end: number): Generator<[string, number]> {
    const chunk = text.slice(start, end);
    if (chunk.trim() !== '') yield [chunk, line];
    line += countLines(chunk);
  };
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    yield* emit(m.index);
    start = m[0] === '---' ? m.index + 3 : m.index + m[0].length;
  }
  yield* emit(text.length);
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

const HELM_HINT =
  'looks like a Helm template ({{ ... }}): render it first (helm template <release> <chart> --include-crds > crds.yaml) and give the rendered YAML';

/** True when a parsed document still holds Helm template expressions where CRD names live. */
function hasTemplateMarks(value: unknown): boolean {
  const crd = value as { metadata?: { name?: unknown }; spec?: { group?: unknown; names?: unknown } } | null;
  const fields = [crd?.metadata?.name, crd?.spec?.group, JSON.stringify(crd?.spec?.names ?? '')];
  return fields.some((f) => typeof f === 'string' && f.includes('{{'));
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown } | null;
  return (
    typeof v?.kind === 'string' &&
    (v.kind === 'List' || v.kind.endsWith('List')) &&
    Array.isArray(v.items) &&
    !('spec' in (v as object))
  );
}

function* withItems(value: unknown, file: string, where: string[]): Generator<InputDocument> {
  const label = (parts: string[]) => (parts.length > 0 ? `${file} (${parts.join(', ')})` : file);
  if (isList(value)) {
    for (const [i, item] of value.items.entries()) {
      yield { source: label([...where, `item ${i + 1}`]), file, value: item };
    }
  } else {
    yield { source: label(where), file, value };
  }
}

/**
 * The objects in one file's text, one document at a time (a `kind: List` gives its items). JSON
 * text is read as one document. Throws a CodegenError naming the file for text that is not valid
 * YAML/JSON, saying to render it first when it is a Helm template.
 *
 * @example
 * for (const doc of documentsOf(text, 'crds.yaml')) console.log(doc.source);
 */
export function* documentsOf(text: string, file: string): Generator<InputDocument> {
  if (/^\s*[[{]/.test(text) && !/^---/m.test(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value !== undefined) {
      const items = Array.isArray(value) ? value : [value];
      for (const [i, v] of items.entries()) {
        yield* withItems(v, file, items.length > 1 ? [`item ${i + 1}`] : []);
      }
      return;
    }
  }
  let n = 0;
  for (const [chunk, firstLine] of splitYamlDocuments(text)) yield* yamlDocument(chunk, file, ++n, firstLine);
}

/** The object(s) of one YAML document (`n`th in the file, starting at line `firstLine`, 0-based). */
function* yamlDocument(chunk: string, file: string, n: number, firstLine: number): Generator<InputDocument> {
  let value = fastYamlValue(chunk);
  if (value === undefined) {
    const doc = parseDocument(chunk, { uniqueKeys: true });
    const [error] = doc.errors;
    if (error) {
      if (chunk.includes('{{')) throw new CodegenError(`${file}: ${HELM_HINT}`);
      const first = error.message.split('\n')[0]!.replace(/:$/, '');
      const where = first.replace(/at line (\d+)/, (_m, l: string) => `at line ${Number(l) + firstLine}`);
      throw new CodegenError(`${file}: not valid YAML: ${where}`);
    }
    value = doc.toJSON() as unknown;
  }
  if (value === null || value === undefined) return;
  if (hasTemplateMarks(value)) throw new CodegenError(`${file}: ${HELM_HINT}`);
  yield* withItems(value, file, [`document ${n}`]);
}

/** Files above this size are read line by line, one YAML document at a time. */
export const STREAM_ABOVE_BYTES = 8 * 1024 * 1024;

/**
 * The objects in one file, as {@link documentsOf}, reading a large YAML file one document at a
 * time so that memory does not grow with the file (JSON is read whole).
 *
 * @example
 * for await (const doc of readDocuments('crds.yaml')) console.log(doc.source);
 */
export async function* readDocuments(file: string, streamAbove = STREAM_ABOVE_BYTES): AsyncGenerator<InputDocument> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new CodegenError(`cannot read CRD file ${file}: ${fsReason(err)}`);
  }
  if (size <= streamAbove) {
    yield* documentsOf(await readInputFile(file), file);
    return;
  }
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let chunk: string[] = [];
  let firstLine = 0;
  let line = 0;
  let n = 0;
  let json: string[] | undefined;
  try {
    for await (const l of lines) {
      if (json) {
        json.push(l);
        continue;
      }
      if (line === 0 && /^\s*[[{]/.test(l)) {
        json = [l]; // a JSON file: read whole
        continue;
      }
      const marker = /^---(?=[ \t]|$)|^\.\.\.[ \t]*$/.exec(l);
      if (marker) {
        if (chunk.join('').trim() !== '') yield* yamlDocument(`${chunk.join('\n')}\n`, file, ++n, firstLine);
        chunk = [marker[0] === '---' ? l.slice(3) : ''];
        firstLine = line;
      } else {
        chunk.push(l);
      }
      line++;
    }
  } catch (err) {
    if (err instanceof CodegenError) throw err;
    throw new CodegenError(`cannot read CRD file ${file}: ${fsReason(err)}`);
  }
  if (json) {
    yield* documentsOf(json.join('\n'), file);
    return;
  }
  if (chunk.join('').trim() !== '') yield* yamlDocument(`${chunk.join('\n')}\n`, file, ++n, firstLine);
}
