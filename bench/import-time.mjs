// Import time of kube-client's entry points from dist (run `npm run build` first): the root entry
// alone and root + typed Clientset (kube-client/kubernetes) + informers, each the median of N fresh
// Node processes (the module cache is per process, so every run is a cold import).
// Usage: node bench/import-time.mjs [--runs 10] [--json] [--root DIR]
// (--root: measure another checkout's dist, for a before/after comparison.)
// Prints one line per case, or with --json one JSON object (the figures in ms), for bench/run.mjs.
// Besides wall time it reports the CPU time of the import (user + system): on a loaded machine
// the wall time mostly measures the wait for a core, the CPU time much less so.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const rootAt = argv.indexOf('--root');
const root = rootAt >= 0 ? `${argv[rootAt + 1].replace(/\/$/, '')}/` : fileURLToPath(new URL('..', import.meta.url));
const runsAt = argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(argv[runsAt + 1]) : 10;
const json = argv.includes('--json');
if (!existsSync(`${root}dist/esm/index.js`)) {
  process.stderr.write('import-time: dist/esm is missing; run "npm run build" first.\n');
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The package imports itself by name (package.json "exports"), as a user's code would.
const cases = {
  root: ['kube-client'],
  'root + kubernetes + informers': ['kube-client', 'kube-client/kubernetes', 'kube-client/informers'],
};

/** One cold import in a fresh process: wall and CPU milliseconds from before the first import to after the last. */
function once(specs) {
  const imports = specs.map((spec) => `await import(${JSON.stringify(spec)});`).join(' ');
  const code = `const t=performance.now(), c=process.cpuUsage(); ${imports} const u=process.cpuUsage(c); console.log(JSON.stringify([performance.now()-t, (u.user+u.system)/1000]))`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root }).toString();
  const [wall, cpu] = JSON.parse(out.trim());
  return { wall, cpu };
}

// Alternate the cases round by round so a change in machine load hits both alike.
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
once(cases.root); // warms the file system cache
for (let i = 0; i < RUNS; i++) for (const [name, specs] of Object.entries(cases)) samples[name].push(once(specs));

const fig = (xs) => Number(median(xs).toFixed(1));
const result = Object.fromEntries(
  Object.entries(samples).map(([k, xs]) => [k, { wall: fig(xs.map((x) => x.wall)), cpu: fig(xs.map((x) => x.cpu)) }]),
);
const load = loadavg()[0].toFixed(2);
if (json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, runs: RUNS, load1: Number(load), ms: result })}\n`);
} else {
  process.stdout.write(`import time, Node ${process.version}, median of ${RUNS} fresh processes (load ${load}):\n`);
  for (const [name, { wall, cpu }] of Object.entries(result)) {
    const xs = samples[name].map((x) => x.wall).sort((a, b) => a - b);
    process.stdout.write(
      `  ${name.padEnd(32)} ${String(wall).padStart(6)} ms wall (min ${xs[0].toFixed(1)}, max ${xs.at(-1).toFixed(1)}), ${cpu} ms CPU\n`,
    );
  }
}
