// Work queue benchmarks (issue targets: >= 2.2M ops/s add/get/done for 1M distinct items plus 1M
// duplicate adds; 100k addAfter items with 0-1 ms delays drained in < 150 ms), next to a bare floor
// (array + Set with the same dedup rule). Runs the built package: `npm run build` first.
import { DelayingQueue, Queue } from '../dist/esm/util/workqueue/index.js';

const N = 1_000_000;
const REPS = Number(process.env.BENCH_REPS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function queueOps() {
  const q = new Queue();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) q.add(i);
  for (let i = 0; i < N; i++) q.add(i); // duplicates: dropped by the dirty set
  for (let i = 0; i < N; i++) {
    const { item } = await q.get();
    q.done(item);
  }
  const ms = performance.now() - t0;
  return { ms, opsPerSec: (4 * N) / (ms / 1000) }; // 2M adds + 1M gets + 1M dones
}

function floorOps() {
  const items = [];
  const dirty = new Set();
  let head = 0;
  const t0 = performance.now();
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < N; i++) {
      if (dirty.has(i)) continue;
      dirty.add(i);
      items.push(i);
    }
  }
  while (head < items.length) dirty.delete(items[head++]);
  const ms = performance.now() - t0;
  return { ms, opsPerSec: (4 * N) / (ms / 1000) };
}

async function delayingDrain() {
  const q = new DelayingQueue();
  const n = 100_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) q.addAfter(i, Math.random());
  for (let got = 0; got < n; got++) {
    const { item } = await q.get();
    q.done(item);
  }
  return { ms: performance.now() - t0 };
}

const results = { queue: [], floor: [], delaying: [] };
for (let r = 1; r <= REPS; r++) {
  process.stdout.write(`bench workqueue: repetition ${r}/${REPS}\n`);
  results.queue.push(await queueOps());
  results.floor.push(floorOps());
  results.delaying.push(await delayingDrain());
}
const q = median(results.queue.map((x) => x.opsPerSec));
const f = median(results.floor.map((x) => x.opsPerSec));
const d = median(results.delaying.map((x) => x.ms));
const lines = [
  `| scenario | kube-client | floor (array + Set) | target |`,
  `|---|---|---|---|`,
  `| add/get/done, 1M items + 1M duplicate adds | ${(q / 1e6).toFixed(2)} M ops/s | ${(f / 1e6).toFixed(2)} M ops/s | >= 2.2 M ops/s |`,
  `| 100k addAfter (0-1 ms) drained | ${d.toFixed(0)} ms | n/a | < 150 ms |`,
];
process.stdout.write(
  `\n${lines.join('\n')}\n\nbench workqueue: done (${REPS} repetitions, medians, Node ${process.version}).\n`,
);
