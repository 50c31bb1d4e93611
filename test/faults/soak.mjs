// The soak (npm run test:soak): 50 informers on one Clientset against envtest for SOAK_MINUTES
// (default 10) while a writer keeps changing their objects, with short watches (re-established
// every 30-60 s) and resyncs, so every code path that could leak runs thousands of times.
// Checks: heap after GC grows less than 5 % from the end of warm-up to the end; the count of open
// sockets and timers does not grow; after stopping everything no socket or timer is left.
// Exits 1 with the reason when a check fails. Run with node --expose-gc (the npm script does).
import { startControlPlane } from '../../dist/esm/envtest/index.js';
import { Clientset } from '../../dist/esm/kubernetes/index.js';
import { closeAllTransports } from '../../dist/esm/rest/index.js';
import { listWatchFromResource, SharedIndexInformer } from '../../dist/esm/tools/cache/index.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WARMUP_MS = Math.min(90_000, (MINUTES * 60_000) / 5);
const INFORMERS = 50;
const NAMESPACES = 5;
const PER_NAMESPACE = 100;
const t0 = Date.now();
const say = (line) => process.stdout.write(`[soak ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (typeof globalThis.gc !== 'function') {
  say('needs --expose-gc: run it as `npm run test:soak`');
  process.exit(2);
}
const heapAfterGc = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
};
const resources = () => {
  const counts = { sockets: 0, timers: 0 };
  for (const r of process.getActiveResourcesInfo()) {
    if (r === 'TCPSocketWrap' || r === 'TLSWrap') counts.sockets++;
    if (r === 'Timeout') counts.timers++;
  }
  return counts;
};
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

say(`starting envtest; ${INFORMERS} informers for ${MINUTES} min (warm-up ${(WARMUP_MS / 1000).toFixed(0)} s)`);
const idle = resources();
const cp = await startControlPlane({ log: () => {} });
const failures = [];
try {
  const admin = Clientset.forConfig({ ...cp.config, qps: -1 });
  for (let n = 0; n < NAMESPACES; n++) {
    await admin.coreV1.namespaces.create({ metadata: { name: `soak-${n}` } });
    await Promise.all(
      Array.from({ length: PER_NAMESPACE }, (_, i) =>
        admin.coreV1
          .configMaps(`soak-${n}`)
          .create({ metadata: { name: `cm-${i}`, labels: { shard: String(i % 10) } }, data: { v: '0' } }),
      ),
    );
  }
  say(`created ${NAMESPACES * PER_NAMESPACE} ConfigMaps in ${NAMESPACES} namespaces`);

  // The client under test: one Clientset (client-go's default QPS 5 / burst 10) shared by 50 informers.
  const cs = Clientset.forConfig(cp.config);
  const ac = new AbortController();
  const informers = [];
  let events = 0;
  for (let k = 0; k < INFORMERS; k++) {
    const ns = `soak-${k % NAMESPACES}`;
    const shard = Math.floor(k / NAMESPACES) % 10;
    const lw = listWatchFromResource(cs.coreV1.configMaps(ns), (o) => {
      if (k % 2 === 1) o.labelSelector = `shard=${shard}`;
    });
    const inf = new SharedIndexInformer(lw, {
      resyncPeriodMs: 30_000,
      reflector: { minWatchTimeoutMs: 30_000, watchErrorHandler: (err) => say(`informer ${k}: ${err.message}`) },
    });
    inf.addEventHandler(
      {
        onAdd: () => void events++,
        onUpdate: () => void events++,
        onDelete: () => void events++,
      },
      30_000,
    );
    informers.push(inf);
  }
  const runs = informers.map((inf) => inf.run(ac.signal));
  while (!informers.every((i) => i.hasSynced())) await sleep(100);
  say('all informers synced');

  // The writer: ~40 updates per second spread over every namespace.
  let writes = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      const n = writes % NAMESPACES;
      const i = Math.floor(Math.random() * PER_NAMESPACE);
      await admin.coreV1
        .configMaps(`soak-${n}`)
        .patch(`cm-${i}`, 'application/merge-patch+json', { data: { v: String(writes) } })
        .catch((err) => say(`write failed: ${err.message}`));
      writes++;
      await sleep(25);
    }
  })();

  await sleep(WARMUP_MS);
  const samples = [];
  const sample = async () => {
    const s = { at: Date.now() - t0, heap: await heapAfterGc(), ...resources() };
    samples.push(s);
    return s;
  };
  const start = await sample();
  say(`warm-up done: heap ${mb(start.heap)}, ${start.sockets} sockets, ${start.timers} timers; ${events} events`);
  const end = t0 + MINUTES * 60_000;
  while (Date.now() < end) {
    await sleep(Math.min(30_000, Math.max(0, end - Date.now())));
    const s = await sample();
    say(`heap ${mb(s.heap)}, ${s.sockets} sockets, ${s.timers} timers; ${events} events, ${writes} writes`);
  }
  writing = false;
  await writer;

  // Heap: compare the mean of the first and the last three samples (single samples are noisy).
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(samples.slice(0, 3).map((s) => s.heap));
  const last = mean(samples.slice(-3).map((s) => s.heap));
  const growth = (last - first) / first;
  say(`heap after warm-up ${mb(first)}, at the end ${mb(last)}: ${(growth * 100).toFixed(2)} % growth (limit 5 %)`);
  if (growth >= 0.05) failures.push(`heap grew ${(growth * 100).toFixed(2)} %`);
  const maxOf = (xs, k) => Math.max(...xs.map((s) => s[k]));
  const third = Math.max(1, Math.floor(samples.length / 3));
  for (const k of ['sockets', 'timers']) {
    const early = maxOf(samples.slice(0, third), k);
    const late = maxOf(samples.slice(-third), k);
    say(`${k}: at most ${early} early, at most ${late} late`);
    if (late > early + 2) failures.push(`${k} grew from ${early} to ${late}`);
  }

  ac.abort();
  await Promise.all(runs);
  await closeAllTransports();
  await sleep(500);
  const after = resources();
  say(
    `stopped: ${after.sockets} sockets and ${after.timers} timers left (before envtest: ${idle.sockets} and ${idle.timers})`,
  );
  if (after.sockets > idle.sockets) failures.push(`${after.sockets - idle.sockets} sockets left open after stop`);
  if (after.timers > idle.timers) failures.push(`${after.timers - idle.timers} timers left after stop`);
  say(`${events} informer events, ${writes} writes in ${MINUTES} min`);
} finally {
  await cp.stop();
}
if (failures.length > 0) {
  say(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
say('soak passed: heap stable, no leaked sockets or timers');
