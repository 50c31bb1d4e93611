// Work queue benchmarks, kube-client beside client-go v1.20 (bench/client-go, built once per machine)
// on the same work, counted the same way; every run in its own process, clients alternating, medians.
//   queue:    1M add + 1M duplicate add + 1M get/done; ops/s over 3M operations (client-go's count:
//             1M add + 1M duplicate add + 1M get/done).
//   delaying: 100k addAfter with 0-1 ms delays on a rate-limiting queue, drained with get/forget/done.
//   workers:  8 workers drain a rate-limiting queue fed at 50k adds/s (in 1 ms ticks, at most 64 adds
//             per event-loop turn, as an informer's handlers would); 1 s of warm-up, then 2 s measured;
//             add-to-get latency p50/p99.
// Also a floor (array + Set with the same dedup rule) for the queue scenario, and kube-client with its
// synchronous tryGet() fast path. Runs the built package (`npm run build` first). BENCH_REPS (default
// 5); BENCH_CLIENT_GO=0 skips client-go (e.g. where it cannot be built).
// Child mode: `node bench/workqueue.mjs --child <scenario> <variant>` prints one JSON line.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const N = 1_000_000;
const DELAYED = 100_000;
const RATE = 50_000;
const SECONDS = 2;
const WORKERS = 8;
const WARMUP = 1;
const CHUNK = 64;

if (process.argv[2] === '--child') {
  const [scenario, variant] = process.argv.slice(3);
  const result = await runChild(scenario, variant);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

async function runChild(scenario, variant) {
  const wq = await import('../dist/esm/util/workqueue/index.js');
  const fast = variant === 'tryGet';
  if (scenario === 'queue' && variant === 'floor') return floorOps();
  if (scenario === 'queue') {
    const q = new wq.Queue();
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) q.add(i);
    for (let i = 0; i < N; i++) q.add(i); // duplicates: dropped by the dirty set
    for (let i = 0; i < N; i++) {
      const { item } = (fast && q.tryGet()) || (await q.get());
      q.done(item);
    }
    const ms = performance.now() - t0;
    if (q.len() !== 0) throw new Error(`${q.len()} items left`);
    return { ms, cpuMs: cpuMs() - c0, ops: 3 * N, opsPerSec: (3 * N) / (ms / 1000) };
  }
  if (scenario === 'delaying') {
    const q = new wq.RateLimitingQueue(wq.defaultControllerRateLimiter());
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < DELAYED; i++) q.addAfter(i, Math.random());
    for (let got = 0; got < DELAYED; got++) {
      const { item } = (fast && q.tryGet()) || (await q.get());
      q.forget(item);
      q.done(item);
    }
    const ms = performance.now() - t0;
    const cpu = cpuMs() - c0;
    q.shutDown();
    return { ms, cpuMs: cpu, items: DELAYED };
  }
  if (scenario === 'workers') {
    // WARMUP s at the same rate first (not measured: the JIT tiers up, as in a long-running
    // controller; client-go's binary warms up the same way), then SECONDS s measured. The feeder
    // hands at most CHUNK keys to the queue per event-loop turn, as an informer delivers one watch
    // read's events and then returns to the event loop: a late timer tick's backlog is spread over
    // several turns instead of one synchronous batch that no worker can interleave with.
    const warm = RATE * WARMUP;
    const total = RATE * SECONDS;
    const all = warm + total;
    const q = new wq.RateLimitingQueue(wq.defaultControllerRateLimiter());
    const added = new Float64Array(all);
    const lat = new Float64Array(all);
    const worker = async () => {
      for (;;) {
        const { item, shutdown } = await q.get();
        if (shutdown) return;
        lat[item] = performance.now() - added[item];
        q.forget(item);
        q.done(item);
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    const t0 = performance.now();
    let sent = 0;
    let maxBatch = 0;
    let maxGapMs = 0;
    let lastTick = t0;
    let measuredFrom = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (sent >= warm) {
          if (measuredFrom === 0) measuredFrom = now;
          maxGapMs = Math.max(maxGapMs, now - lastTick);
        }
        lastTick = now;
        const due = Math.min(all, Math.floor((RATE * (now - t0)) / 1000));
        if (sent >= warm) maxBatch = Math.max(maxBatch, due - sent);
        const until = Math.min(due, sent + CHUNK);
        for (; sent < until; sent++) {
          added[sent] = performance.now();
          q.add(sent);
        }
        if (sent >= all) resolve();
        else if (sent < due)
          setImmediate(tick); // more backlog: next turn, after the workers
        else setTimeout(tick, 1);
      };
      setTimeout(tick, 1);
    });
    const feedMs = performance.now() - measuredFrom;
    while (q.len() > 0) await new Promise((r) => setTimeout(r, 1));
    q.shutDown();
    await Promise.all(workers);
    const measured = lat.subarray(warm).sort();
    const pct = (p) => measured[Math.floor(p * (total - 1))];
    return {
      events: total,
      warmupEvents: warm,
      rate: RATE,
      workers: WORKERS,
      chunk: CHUNK,
      feedMs,
      p50ms: pct(0.5),
      p99ms: pct(0.99),
      maxMs: measured[total - 1],
      maxBatch,
      maxGapMs,
    };
  }
  throw new Error(`unknown scenario ${scenario}`);
}

/** CPU time (user + system, all threads: GC and compiler threads included) used so far, in ms. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function floorOps() {
  const items = [];
  const dirty = new Set();
  let head = 0;
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < N; i++) {
      const size = dirty.size;
      dirty.add(i);
      if (dirty.size !== size) items.push(i);
    }
  }
  while (head < items.length) dirty.delete(items[head++]);
  const ms = performance.now() - t0;
  return { ms, cpuMs: cpuMs() - c0, ops: 3 * N, opsPerSec: (3 * N) / (ms / 1000) };
}

// ---- parent: alternate the clients, medians ----
const REPS = Number(process.env.BENCH_REPS ?? 5);
const say = (line) => process.stdout.write(`bench workqueue: ${line}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const script = fileURLToPath(import.meta.url);

let clientGo;
if (process.env.BENCH_CLIENT_GO !== '0') {
  try {
    const { ensureClientGoBench } = await import('./client-go/build.mjs');
    clientGo = await ensureClientGoBench((line) => say(line));
  } catch (err) {
    say(`client-go benchmark unavailable (${err.message.split('\n')[0]}); BENCH_CLIENT_GO=0 skips it`);
  }
}

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
  }
};
const node =
  (scenario, variant = 'get') =>
  () =>
    run(process.execPath, ['--max-old-space-size=4096', script, '--child', scenario, variant]);
const go =
  (scenario, ...args) =>
  () =>
    run(clientGo, [scenario, ...args.map(String)]);

const SCENARIOS = {
  queue: [
    ['client-go', clientGo && go('queue', N)],
    ['kube-client', node('queue')],
    ['kube-client tryGet', node('queue', 'tryGet')],
    ['floor', node('queue', 'floor')],
  ],
  delaying: [
    ['client-go', clientGo && go('delaying', DELAYED)],
    ['kube-client', node('delaying')],
    ['kube-client tryGet', node('delaying', 'tryGet')],
  ],
  workers: [
    ['client-go', clientGo && go('workers', RATE, SECONDS, WORKERS, WARMUP, CHUNK)],
    ['kube-client', node('workers')],
  ],
};
const results = {};
for (let rep = 1; rep <= REPS; rep++) {
  for (const [scenario, runs] of Object.entries(SCENARIOS)) {
    const order = rep % 2 ? runs : [...runs].reverse();
    for (const [label, fn] of order) {
      if (!fn) continue;
      const r = fn();
      results[scenario] ??= {};
      results[scenario][label] ??= [];
      results[scenario][label].push(r);
      const shown =
        r.p99ms !== undefined ? `p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms` : `${r.ms.toFixed(0)} ms`;
      say(`repetition ${rep}/${REPS}: ${scenario}: ${label}: ${shown}`);
    }
  }
}

const m = (scenario, label, field) => {
  const xs = results[scenario]?.[label];
  return xs ? median(xs.map((x) => x[field])) : undefined;
};
const all = (scenario, label, field, digits) =>
  results[scenario]?.[label]?.map((x) => x[field].toFixed(digits)).join(', ') ?? 'n/a';
const fmt = (v, digits = 0) => (v === undefined ? 'n/a' : v.toFixed(digits));
const vs = (v, g) => (v === undefined || g === undefined ? 'n/a' : `${(v / g).toFixed(2)}x`);
const cols = ['client-go', 'kube-client', 'kube-client tryGet', 'floor'];
// The last column is always kube-client's cost relative to client-go's (time, or inverse throughput).
const row = (name, scenario, field, digits, scale = 1, throughput = false) => {
  const cells = cols.map((c) => {
    const v = m(scenario, c, field);
    return v === undefined ? 'n/a' : fmt(v / scale, digits);
  });
  const [k, g] = [m(scenario, 'kube-client', field), m(scenario, 'client-go', field)];
  const ratio = throughput ? vs(g, k) : vs(k, g);
  return `| ${name} | ${cells.join(' | ')} | ${ratio} |`;
};
const lines = [
  `| scenario | client-go v1.20 (Go ${results.queue?.['client-go']?.[0]?.go?.replace('go', '') ?? 'n/a'}) | kube-client (\`await get()\`) | kube-client (\`tryGet()\` first) | floor (array + Set) | kube-client cost / client-go cost |`,
  '|---|---|---|---|---|---|',
  row('queue: 1M add + 1M duplicate add + 1M get/done, ms', 'queue', 'ms', 0),
  row('queue: the same in M ops/s over 3M ops (1M add + 1M dup add + 1M get/done)', 'queue', 'opsPerSec', 2, 1e6, true),
  row('queue: CPU time (user + system, all threads), ms', 'queue', 'cpuMs', 0),
  row('delaying: 100k addAfter (0-1 ms), rate-limiting queue, drained with get/forget/done, ms', 'delaying', 'ms', 0),
  row('delaying: CPU time (user + system, all threads), ms', 'delaying', 'cpuMs', 0),
  row('workers: 8 workers, 50k adds/s, 1 s warm-up + 2 s measured, add-to-get p50, ms', 'workers', 'p50ms', 3),
  row('workers: add-to-get p99, ms (target < 5)', 'workers', 'p99ms', 3),
  row('workers: longest gap between feeder ticks, ms (a stalled process)', 'workers', 'maxGapMs', 1),
];
const detail = [];
for (const [scenario, runs] of Object.entries(SCENARIOS)) {
  for (const [label] of runs) {
    const field = scenario === 'workers' ? 'p99ms' : 'ms';
    if (results[scenario]?.[label]) detail.push(`${scenario} ${label} ${field}: ${all(scenario, label, field, 2)}`);
  }
}
process.stdout.write(
  `\n${lines.join('\n')}\n\nevery run: ${detail.join('; ')}\n\nbench workqueue: done (${REPS} repetitions, medians, Node ${process.version}).\n`,
);
