// npm run bench: kube-client against @kubernetes/client-node, client-go v1.20 and a bare floor, each
// scenario in its own process, clients alternating, several repetitions, medians and ratios to the
// floor; then the scale scenario (100k ConfigMaps) at Node's default heap limit. Writes
// docs/benchmarks.md and docs/benchmarks.png. `--quick` for fewer repetitions; BENCH_SCALE=0 skips the
// scale scenario, BENCH_CLIENT_GO=0 client-go, BENCH_WORKQUEUE=0 the work queue table;
// BENCH_CLIENT_GO_BIN names a client-go benchmark binary built elsewhere.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ensureNode24 } from '../scripts/node24.mjs';
import { closureSize } from './sizes.mjs';
import { chartSvg } from './chart.mjs';

const quick = process.argv.includes('--quick');
const REPS = Number(process.env.BENCH_REPS) || (quick ? 2 : 5);
const WATCH_EVENTS = 100_000;
const CONFIGMAPS = 10_000;
const SCALE_CONFIGMAPS = 100_000;
const SCALE_REPS = quick ? 1 : 3;
const loads = [];
const noteLoad = () => loads.push(loadavg()[0]);
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

function child(node, script, args, { defaultHeap = false } = {}) {
  noteLoad();
  const r =
    node === goBin
      ? spawnSync(goBin, [script, ...args], { encoding: 'utf8', timeout: 600_000 })
      : spawnSync(node, ['--expose-gc', ...(defaultHeap ? [] : ['--max-old-space-size=4096']), script, ...args], {
          encoding: 'utf8',
          timeout: 600_000,
        });
  const line = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${script} ${args[0]} failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
  }
}

// client-go v1.20's informer (bench/client-go), built once per machine and cached.
let goBin;
if (process.env.BENCH_CLIENT_GO_BIN) goBin = process.env.BENCH_CLIENT_GO_BIN;
else if (process.env.BENCH_CLIENT_GO !== '0') {
  const { ensureClientGoBench } = await import('./client-go/build.mjs');
  goBin = await ensureClientGoBench(say).catch((err) => {
    say(`client-go benchmark unavailable: ${err.message.split('\n')[0]}`);
    return undefined;
  });
}
let goVersion;
if (goBin) goVersion = JSON.parse(execFileSync(goBin, ['queue', '1000']).toString().trim().split('\n').pop()).go;

// The clients of each comparison: all on Node 24 (client-node needs it), kube-client also on Node 20.
const RUNS = [
  ['floor', node24],
  ['kube-client', node24],
  ['client-node', node24],
  ...(goBin ? [['client-go', goBin]] : []),
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
  // `count` ConfigMaps of about 1.6 KB in `namespace`, 32 creates in flight, a progress line every `every`.
  const seed = async (namespace, count, digits, every) => {
    let seeded = 0;
    await parallelizeUntil(undefined, 32, count, async (i) => {
      await cs.coreV1.configMaps(namespace).create({
        metadata: { name: `cm-${String(i).padStart(digits, '0')}`, labels: { app: 'bench', shard: String(i % 10) } },
        data: { payload },
      });
      if (++seeded % every === 0) say(`  seeded ${seeded}/${count}`);
    });
  };
  await seed('bench', CONFIGMAPS, 5, 2500);
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
      const s =
        client === 'client-go'
          ? child(node, 'sync', [cp.kubeconfigPath, 'bench', String(CONFIGMAPS + 1)])
          : child(node, 'bench/scenarios/sync.mjs', [client, cp.kubeconfigPath, 'bench', String(CONFIGMAPS + 1)]);
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
      if (client === 'client-node' || client === 'client-go') record('syncGzip', label, s);
      say(`rep ${rep}/${REPS}: ${label}: ${WATCH_EVENTS} watch events through the informer path`);
      record(
        'watch',
        label,
        client === 'client-go'
          ? child(node, 'watch', [replay.url, String(WATCH_EVENTS)])
          : child(node, 'bench/scenarios/watch.mjs', [client, replay.url, String(WATCH_EVENTS)]),
      );
      if (client === 'client-go') continue; // no GET scenario in the Go program
      say(`rep ${rep}/${REPS}: ${label}: ${GETS} GETs at concurrency 16`);
      record(
        'get',
        label,
        child(node, 'bench/scenarios/get.mjs', [client, cp.kubeconfigPath, 'bench', 'small', String(GETS)]),
      );
    }
  }
  await replay.close();

  if (process.env.BENCH_SCALE !== '0') {
    say(`scale: seeding ${SCALE_CONFIGMAPS.toLocaleString('en')} ConfigMaps of about 1.6 KB in namespace scale`);
    await cs.coreV1.namespaces.create({ metadata: { name: 'scale' } });
    await seed('scale', SCALE_CONFIGMAPS, 6, 20_000);
    const SCALE_RUNS = [
      ['floor', node24, 'floor'],
      ['kube-client', node24, 'kube-client', undefined],
      ['kube-client', node24, 'kube-client (paged)', 'paged'],
      ['kube-client', node24, 'kube-client (paged, overlapped)', 'paged-overlap'],
      ['client-node', node24, 'client-node'],
      ...(goBin ? [['client-go', goBin, 'client-go']] : []),
    ];
    for (let rep = 1; rep <= SCALE_REPS; rep++) {
      const order = rep % 2 ? SCALE_RUNS : [...SCALE_RUNS].reverse();
      for (const [client, node, label, mode] of order) {
        say(
          `scale rep ${rep}/${SCALE_REPS}: ${label}: informer sync of ${SCALE_CONFIGMAPS} ConfigMaps (default heap limit)`,
        );
        try {
          const r =
            client === 'client-go'
              ? child(node, 'sync', [cp.kubeconfigPath, 'scale', String(SCALE_CONFIGMAPS)])
              : child(
                  node,
                  'bench/scenarios/sync.mjs',
                  [client, cp.kubeconfigPath, 'scale', String(SCALE_CONFIGMAPS), ...(mode ? [mode] : [])],
                  { defaultHeap: true },
                );
          if (!r.ok) throw new Error(`synced ${r.count} objects, expected ${SCALE_CONFIGMAPS}`);
          record('scale', label, { ...r, bytesPerObject: (r.heapMB * 2 ** 20) / r.count });
        } catch (err) {
          say(`  ${label} failed: ${err.message.split('\n')[0]}`);
          record('scaleFailed', label, { failed: 1 });
        }
      }
    }
  }
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

let wqLines = ['| work queue | not run (BENCH_WORKQUEUE=0) |'];
if (process.env.BENCH_WORKQUEUE !== '0') {
  say('work queue benchmark (kube-client beside client-go v1.20, alternating)');
  const wq = spawnSync(process.execPath, ['bench/workqueue.mjs'], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_REPS: String(REPS) },
  });
  wqLines = wq.stdout.split('\n');
}
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
row('peak RSS during sync, MB', 'sync', 'peakRssMB', 1);
row('100k watch events through the informer, ms', 'watch', 'ms', 0);
row('watch events/s', 'watch', 'eventsPerSec', 0, true);
row('GET throughput at concurrency 16, req/s', 'get', 'rps', 0, true);
const table = lines.join('\n');

// The scale scenario: one row per client, ratios to the floor.
const scaleLabels = [
  'floor',
  'kube-client',
  'kube-client (paged)',
  'kube-client (paged, overlapped)',
  'client-node',
  'client-go',
];
const scaleLines = [
  '| client | time to synced, ms | peak RSS, MB | heap after sync + GC, MB | heap per cached object, bytes | heap limit, MB | runs ok |',
  '|---|---|---|---|---|---|---|',
];
for (const l of scaleLabels) {
  const ok = results.scale?.[l]?.length ?? 0;
  const failed = results.scaleFailed?.[l]?.length ?? 0;
  if (ok + failed === 0) continue;
  const f = (field, d) => {
    const v = m('scale', l, field);
    const floor = m('scale', 'floor', field);
    return l === 'floor' || field === 'heapLimitMB' ? fmt(v, d) : `${fmt(v, d)} (${ratio(v, floor)})`;
  };
  scaleLines.push(
    `| ${l} | ${f('ms', 0)} | ${f('peakRssMB', 0)} | ${f('heapMB', 0)} | ${f('bytesPerObject', 0)} | ${l === 'client-go' ? 'none (Go)' : f('heapLimitMB', 0)} | ${ok}/${ok + failed} |`,
  );
}
const scaleTable = scaleLines.join('\n');

const chartRows = [
  ['informer sync time', 'sync', 'ms', false],
  ['heap after sync', 'sync', 'heapMB', false],
  ['watch path time (100k events)', 'watch', 'ms', false],
  ['GET time per request', 'get', 'rps', true],
].map(([label, scenario, field, inv]) => {
  const floor = m(scenario, 'floor', field);
  const ratios = {};
  for (const c of ['floor', 'kube-client', 'client-node', 'client-go']) {
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
const loadedNote = ` (a loaded machine: more runnable processes than its ${cpus().length} cores; absolute figures are slower than on an idle machine, the alternating rounds keep the ratios comparable)`;
if (loads.length === 0) loads.push(loadavg()[0]);
const md = `# Benchmarks

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model}, ${cpus().length} cores; client comparisons on ${node24Version} (\`@kubernetes/client-node\` needs Node >= 22), kube-client also on Node ${process.version}. Medians of ${REPS} repetitions, each run in its own process, clients alternating. In parentheses: the ratio to the bare floor (node:https + JSON.parse for lists and watches, bare undici for GETs); for throughput rows, floor / client.

![chart](benchmarks.png)

${table}

client-go: v1.20.2 as vendored in Debian's \`kubernetes\` source package, built with ${goVersion ?? "Debian's Go"} by \`bench/client-go/build.mjs\` (\`bench/client-go/informers.go\`, \`main.go\`): a shared informer factory's ConfigMap informer, JSON, no rate limiting, the same process boundaries (its time includes process start), peak RSS from /proc (VmHWM); heap is Go's HeapAlloc after two GCs. It has no GET scenario. Its *gzip* cell is its plain sync, as client-go asks for gzip by default.

Load average (1 min) while the scenarios ran: median ${median(loads).toFixed(1)}, range ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}${median(loads) > cpus().length ? loadedNote : ''}. The whole run took ${((Date.now() - t0) / 60000).toFixed(0)} minutes.

## Scale: 100k ConfigMaps (about 165 MB as one list)

${results.scale ? scaleTable : 'Not run (BENCH_SCALE=0).'}

A fresh process syncs an informer of 100,000 ConfigMaps (about 1.6 KB of JSON each) from the same kube-apiserver, at Node's default heap limit (no \`--max-old-space-size\`; the limit column shows it), medians of ${SCALE_REPS} alternating runs. *kube-client*: the Reflector's first list (resourceVersion=0, one response from the watch cache), decoded as it streams; *kube-client (paged)*: the same informer listing from etcd in pages of 500 (limit/continue, what a relist without resourceVersion does); *(paged, overlapped)*: the same with each next page requested as soon as the current page's continue token has arrived (\`overlapPages\`); *floor*: node:https, the whole body, one JSON.parse, a Map. Heap per cached object: heap after two forced GCs divided by the objects cached (the process's baseline included).

## Where the targets are missed (closing note)

As measured in the full run of 2026-11-29 on a quiet machine (load 2.2-4.0, the tables above; an earlier 3-repetition run at load 7-24 missed the same targets). Targets: 10k sync at or below 0.9x the floor with peak RSS at or below the floor's; 100k watch events within 1.1x the floor; ahead of client-go and client-node on every shared scenario; 100k synced at the default heap limit. Met: 100k ConfigMaps synced at Node's default heap limit in every run, with 0.61x the floor's peak RSS and 0.73x client-go's time; the watch path 9x faster than client-go v1.20 (its reflection-based JSON decoding); ahead of client-node on the 10k sync (0.50x its time), the 100k sync and GETs. Missed: the 10k sync (1.50x the floor, 1.55x client-go; peak RSS 1.06x the floor), the watch path (1.15x the floor against 1.1x, and 1.07x client-node's time), and the 100k one-list sync is 1.13x the floor (at load 15 it was 0.76x: there the transfer is slower and overlapping the parse with it pays; on a quiet loopback the floor's one JSON.parse keeps pace with the transfer). What limits them, from CPU profiles of one 10k sync each (\`node --cpu-prof\`, 2026-11-29, taken at load 7-24; sampled wall time, so waiting shows as idle): kube-client 1550 ms = module loading 209 ms, List decoding 168 ms (scan + JSON.parse of the items as they arrive), informer bookkeeping 158 ms (DeltaFIFO replace/pop, indexer, handler notification), GC 321 ms, idle 126 ms; the floor 1287 ms = module loading 211 ms, JSON.parse about 137 ms, GC 260 ms, idle 286 ms. Streaming the decode cut the time spent waiting for the body (idle 126 ms against the floor's 286 ms) but the informer's per-object bookkeeping and the GC work of its extra objects (about 220 ms together) are costs the floor does not have; at 10k objects they outweigh the overlap, at 100k (where the floor's single 165 MB parse and its GC dominate) the overlap wins. client-go pays no module loading or JIT warm-up and decodes in a second goroutine while its DeltaFIFO runs. The watch path: decoding is at the floor; the DeltaFIFO, indexer and handler queue cost about 50 ms of CPU per 100k events plus the GC of events that live until their handler ran.

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
