// Installed size of a package and its runtime dependency closure, each package counted once.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue; // nested deps are counted as packages
      total += dirSize(p);
    } else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

function resolvePackageDir(name, fromDir, root) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

/** Bytes of `pkgDir` plus every package its dependencies pull in (from node_modules under `root`). */
export function closureSize(pkgDir, root) {
  const seen = new Set();
  const stack = [pkgDir];
  let total = 0;
  while (stack.length) {
    const dir = stack.pop();
    if (seen.has(dir)) continue;
    seen.add(dir);
    total += dirSize(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const d = resolvePackageDir(dep, dir, root);
      if (d) stack.push(d);
    }
  }
  return { bytes: total, packages: seen.size };
}
