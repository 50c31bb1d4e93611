// npm run bench: kube-client against @kubernetes/client-node and a bare floor, each scenario in its
// own process, clients alternating, several repetitions, medians and ratios to the floor. Writes
// docs/benchmarks.md and docs/benchmarks.png. `--quick` for fewer repetitions.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { ensureNode24 } from '../scripts/node24.mjs';
import { closureSize } from './sizes.mjs';
import { chartSvg } from './chart.mjs';

const quick = process.argv.includes('--quick');
const REPS = quick ? 2 : 5;
const WATCH_EVENTS = 100_000;
const CONFIGMAPS = 10_000;
const GETS = quick ? 2000 : 5000;
const t0 = Date.now();
const say = (line) => process.stdout.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (!existsSync('dist/esm/index.js')) {
  say('building kube-client (npm run build)');
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
const node24 = ensureNode24(say);
const node24Version = execFileSync(node24, ['--version']).toString().trim();

function child(node, script, args) {
  const r = spawnSync(node, ['--expose-gc', '--max-old-space-size=4096', script, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const line = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${script} ${args[0]} failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
  }
}

// The clients of each comparison: all on Node 24 (client-node needs it), kube-client also on Node 20.
const RUNS = [
  ['floor', node24],
  ['kube-client', node24],
  ['client-node', node24],
  ['kube-client', process.execPath, 'kube-client (Node 20)'],
];

say(
  `machine: ${cpus()[0]?.model}, ${cpus().length} cores; Node ${process.version} and ${node24Version}; ${REPS} repetitions`,
);
say('starting a local control plane (envtest) and seeding 10,000 ConfigMaps of about 1.6 KB');
const { startControlPlane } = await import('../dist/esm/envtest/index.js');
const { Clientset } = await import('../dist/esm/kubernetes/index.js');
const { parallelizeUntil } = await import('../dist/esm/util/workqueue/index.js');
const cp = await startControlPlane({ log: () => {} });
const results = {};
const record = (scenario, label, value) => {
  results[scenario] ??= {};
  results[scenario][label] ??= [];
  results[scenario][label].push(value);
};
try {
  const cs = Clientset.forConfig({ ...cp.config, qps: -1 });
  await cs.coreV1.namespaces.create({ metadata: { name: 'bench' } });
  const payload = 'v'.repeat(1250);
  let seeded = 0;
  await parallelizeUntil(undefined, 32, CONFIGMAPS, async (i) => {
    await cs.coreV1.configMaps('bench').create({
      metadata: { name: `cm-${String(i).padStart(5, '0')}`, labels: { app: 'bench', shard: String(i % 10) } },
      data: { payload },
    });
    if (++seeded % 2500 === 0) say(`  seeded ${seeded}/${CONFIGMAPS}`);
  });
  await cs.coreV1.configMaps('bench').create({ metadata: { name: 'small' }, data: { a: '1' } });
  // The replay server runs in its own process: scenarios run synchronously from here.
  const replayProc = spawn(process.execPath, ['bench/replay-main.mjs', String(WATCH_EVENTS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const replay = {
    url: await new Promise((resolve) => replayProc.stdout.once('data', (d) => resolve(d.toString().trim()))),
    close: async () => replayProc.kill('SIGTERM'),
  };

  for (let rep = 1; rep <= REPS; rep++) {
    const order = rep % 2 ? RUNS : [...RUNS].reverse();
    for (const [client, node, label = client] of order) {
      say(`rep ${rep}/${REPS}: ${label}: informer sync of ${CONFIGMAPS} ConfigMaps`);
      const s = child(node, 'bench/scenarios/sync.mjs', [client, cp.kubeconfigPath, 'bench', String(CONFIGMAPS + 1)]);
      if (!s.ok) throw new Error(`${label} synced ${s.count} objects, expected ${CONFIGMAPS + 1}`);
      record('sync', label, s);
      if (client === 'kube-client' && node === node24) {
        // The same with gzip responses, client-go's (and client-node's) default; the row above runs as
        // Kubernetes' own control plane does on fast links (disableCompression), like the floor.
        say(`rep ${rep}/${REPS}: ${label}: informer sync with gzip responses`);
        record(
          'syncGzip',
          label,
          child(node, 'bench/scenarios/sync.mjs', [client, cp.kubeconfigPath, 'bench', String(CONFIGMAPS + 1), 'gzip']),
        );
      }
      if (client === 'client-node') record('syncGzip', label, s);
      say(`rep ${rep}/${REPS}: ${label}: ${WATCH_EVENTS} watch events through the informer path`);
      record('watch', label, child(node, 'bench/scenarios/watch.mjs', [client, replay.url, String(WATCH_EVENTS)]));
      say(`rep ${rep}/${REPS}: ${label}: ${GETS} GETs at concurrency 16`);
      record(
        'get',
        label,
        child(node, 'bench/scenarios/get.mjs', [client, cp.kubeconfigPath, 'bench', 'small', String(GETS)]),
      );
    }
  }
  await replay.close();
} finally {
  await cp.stop();
}

say('import time and installed size');
const importTime = (node, ...specs) =>
  median(
    Array.from({ length: 5 }, () => {
      const imports = specs.map((spec) => `await import(${JSON.stringify(spec)});`).join(' ');
      const out = execFileSync(node, [
        '--input-type=module',
        '-e',
        `const t=performance.now(); ${imports} console.log(performance.now()-t)`,
      ]).toString();
      return Number(out.trim());
    }),
  );
const imports = {
  'kube-client': importTime(node24, `${process.cwd()}/dist/esm/index.js`),
  'kube-client (with typed Clientset + informers)': importTime(
    node24,
    `${process.cwd()}/dist/esm/index.js`,
    `${process.cwd()}/dist/esm/kubernetes/index.js`,
    `${process.cwd()}/dist/esm/informers/index.js`,
  ),
  'client-node': importTime(node24, '@kubernetes/client-node'),
};
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent']).toString())[0];
const ownDeps = ['undici', 'ws', 'yaml']
  .map((d) => closureSize(`node_modules/${d}`, process.cwd()).bytes)
  .reduce((a, b) => a + b, 0);
const sizes = {
  'kube-client': packed.unpackedSize + ownDeps,
  'client-node': closureSize('node_modules/@kubernetes/client-node', process.cwd()).bytes,
};

say('work queue benchmark (kube-client beside client-go v1.20, alternating)');
if (process.env.BENCH_CLIENT_GO !== '0') {
  // Built once per machine (about 5 minutes); here, so that its progress lines are shown.
  const { ensureClientGoBench } = await import('./client-go/build.mjs');
  await ensureClientGoBench(say).catch((err) => say(`client-go benchmark unavailable: ${err.message.split('\n')[0]}`));
}
const wq = spawnSync(process.execPath, ['bench/workqueue.mjs'], {
  encoding: 'utf8',
  env: { ...process.env, BENCH_REPS: String(REPS) },
});
const wqLines = wq.stdout.split('\n');
const wqTable = wqLines.filter((l) => l.startsWith('|')).join('\n');
const wqRuns = wqLines.find((l) => l.startsWith('every run:')) ?? '';

// ---- report ----
const m = (scenario, label, field) =>
  results[scenario]?.[label] ? median(results[scenario][label].map((x) => x[field])) : undefined;
const labels = RUNS.map(([c, , l = c]) => l);
const fmt = (v, d = 0) => (v === undefined ? 'n/a' : v.toFixed(d));
const ratio = (v, f) => (v === undefined || f === undefined ? 'n/a' : `${(v / f).toFixed(2)}x`);
const lines = [];
lines.push(`| scenario | ${labels.join(' | ')} |`, `|---|${labels.map(() => '---').join('|')}|`);
const row = (name, scenario, field, digits, invert = false) => {
  const floor = m(scenario, 'floor', field);
  const cells = labels.map((l) => {
    const v = m(scenario, l, field);
    const r = invert ? ratio(floor, v) : ratio(v, floor);
    return l === 'floor' ? fmt(v, digits) : `${fmt(v, digits)} (${r})`;
  });
  lines.push(`| ${name} | ${cells.join(' | ')} |`);
};
row('informer sync of 10k ConfigMaps, ms', 'sync', 'ms', 0);
row('informer sync with gzip responses (client default), ms', 'syncGzip', 'ms', 0);
row('heap after sync + GC, MB', 'sync', 'heapMB', 1);
row('RSS after sync, MB', 'sync', 'rssMB', 1);
row('100k watch events through the informer, ms', 'watch', 'ms', 0);
row('watch events/s', 'watch', 'eventsPerSec', 0, true);
row('GET throughput at concurrency 16, req/s', 'get', 'rps', 0, true);
const table = lines.join('\n');

const chartRows = [
  ['informer sync time', 'sync', 'ms', false],
  ['heap after sync', 'sync', 'heapMB', false],
  ['watch path time (100k events)', 'watch', 'ms', false],
  ['GET time per request', 'get', 'rps', true],
].map(([label, scenario, field, inv]) => {
  const floor = m(scenario, 'floor', field);
  const ratios = {};
  for (const c of ['floor', 'kube-client', 'client-node']) {
    const v = m(scenario, c, field);
    if (v !== undefined) ratios[c] = inv ? floor / v : v / floor;
  }
  return { label, ratios };
});
const svg = chartSvg(chartRows);
const { Resvg } = await import('@resvg/resvg-js');
writeFileSync(
  'docs/benchmarks.png',
  new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng(),
);
const WORKQUEUE_NOTES = `client-go v1.20 (as vendored in Debian's \`kubernetes\` 1.20.5+really1.20.2 source package,
built with Debian's Go by \`bench/client-go/build.mjs\`) runs the same scenarios (\`bench/client-go/main.go\`); every
run is its own process, client-go and kube-client alternate, the figures are medians (client-node has
no work queue). *queue*: 1M distinct adds, the same 1M added again (dropped as duplicates), then 1M
get/done; ops/s counts 3M operations (1M add + 1M duplicate add + 1M get/done), as client-go's figure
does. *delaying*: 100k addAfter with random 0-1 ms delays on a rate-limiting queue (default controller
rate limiter), drained with get/forget/done, from the first addAfter to the last done. *workers*: 8
workers drain a rate-limiting queue while a feeder adds 100k distinct keys at 50k/s in 1 ms ticks
(as an informer's handlers would); latency from add to get. *tryGet() first*: the worker takes an
item synchronously when one is queued (\`q.tryGet() ?? await q.get()\`), saving a Promise per item.`;
const md = `# Benchmarks

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model}, ${cpus().length} cores; client comparisons on ${node24Version} (\`@kubernetes/client-node\` needs Node >= 22), kube-client also on Node ${process.version}. Medians of ${REPS} repetitions, each run in its own process, clients alternating. In parentheses: the ratio to the bare floor (node:https + JSON.parse for lists and watches, bare undici for GETs); for throughput rows, floor / client.

![chart](benchmarks.png)

${table}

## Installed size and import time

| package | installed size (with runtime dependencies) | import time (Node 24, median of 5) |
|---|---|---|
| kube-client | ${(sizes['kube-client'] / 2 ** 20).toFixed(1)} MB | ${imports['kube-client'].toFixed(0)} ms (root entry) / ${imports['kube-client (with typed Clientset + informers)'].toFixed(0)} ms (root + typed Clientset + informers) |
| @kubernetes/client-node | ${(sizes['client-node'] / 2 ** 20).toFixed(1)} MB | ${imports['client-node'].toFixed(0)} ms |

## Work queue: kube-client beside client-go

${wqTable}

${WORKQUEUE_NOTES}

${wqRuns}

Scenarios: *informer sync*: a fresh process (imports included) lists 10,000 ConfigMaps (about 1.6 KB
of JSON each) from a local kube-apiserver v1.20.2 into an informer cache until synced; heap is
measured after two forced GCs. kube-client runs with \`disableCompression: true\` (what Kubernetes'
own control plane uses on fast links), so it moves the same bytes as the floor; the *gzip* row shows
kube-client with compression on (client-go's default) next to client-node, which always asks for
gzip; the apiserver spends most of the extra time compressing. *watch path*: a loopback replay server streams 100,000 MODIFIED events of one ConfigMap (about
1.4 KB each); time from the first to the last event delivered to an update handler through Reflector,
DeltaFIFO, indexer and handler. *GET*: one small ConfigMap, 16 requests in flight, no rate limiting.
`;
writeFileSync('docs/benchmarks.md', md);
process.stdout.write(`\n${table}\n\n`);
say(`done: docs/benchmarks.md and docs/benchmarks.png written (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
