// The package stands on its own on npm: README links that work from the package page (absolute
// repository URLs or in-page anchors that exist), repository/homepage/bugs naming one repository,
// `sideEffects: false`, `typesVersions` giving TypeScript's node10 resolution a declaration for
// every subpath export, the docs shipped, and the README's two repository commands unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Pkg {
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  sideEffects: boolean;
  files: string[];
  types: string;
  exports: Record<string, { require: { types: string } } | string>;
  typesVersions: Record<string, Record<string, string[]>>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Pkg;
const readme = readFileSync('README.md', 'utf8');
const REPO = 'https://github.com/kube-client/kube-client';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('package.json metadata', () => {
  it('names one repository for repository, homepage and bugs', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
    expect(pkg.homepage).toBe(`${REPO}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
  });

  it('declares no side effects and ships the docs', () => {
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'bin', 'README.md', 'docs/*.md']));
  });

  it('maps every subpath export to its CommonJS declarations for node10 resolution', () => {
    const map = pkg.typesVersions['*'] ?? {};
    const subpaths = Object.entries(pkg.exports).filter(
      (e): e is [string, { require: { types: string } }] => e[0] !== '.' && typeof e[1] !== 'string',
    );
    expect(Object.keys(map).sort()).toEqual(subpaths.map(([s]) => s.slice(2)).sort());
    for (const [subpath, conditions] of subpaths) {
      expect(map[subpath.slice(2)], subpath).toEqual([conditions.require.types]);
    }
    expect(pkg.types).toBe((pkg.exports['.'] as { require: { types: string } }).require.types);
  });
});

describe('README.md from npm', () => {
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

  it('links only to absolute URLs or to headings of its own', () => {
    const anchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => anchorOf(m[1]!)));
    for (const link of links) {
      if (link.startsWith('#')) expect(anchors, link).toContain(link.slice(1));
      else expect(link, 'relative links break on the npm package page').toMatch(/^https:\/\//);
    }
  });

  it('points repository links at files that exist', () => {
    for (const link of links) {
      const m =
        /^https:\/\/(?:github\.com\/kube-client\/kube-client\/blob|raw\.githubusercontent\.com\/kube-client\/kube-client)\/main\/([^#]+)/.exec(
          link,
        );
      if (m) expect(existsSync(m[1]!), link).toBe(true);
    }
  });

  it('starts with the npm quickstart and keeps the two repository commands as they are', () => {
    expect(readme.indexOf('npm install kube-client')).toBeLessThan(readme.indexOf('npm ci && npm start'));
    expect(readme).toContain('```sh\nnpm ci && npm start\n```');
    expect(readme).toContain('```sh\nnpm ci && npm test\n```');
  });
});
