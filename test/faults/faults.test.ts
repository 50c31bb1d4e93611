// The fault suite (npm run test:faults): while a writer keeps creating, updating and deleting 1,000
// ConfigMaps, each fault is injected repeatedly into the path between the informers and
// kube-apiserver; then the writer stops and each informer's cache must equal a fresh list, name for
// name and resourceVersion for resourceVersion. kube-client must converge every time;
// @kubernetes/client-node (on Node 24, restarted on error as its README shows) runs the same
// scenario side by side and its convergence is reported, not asserted.
//
// Own control plane with the watch cache off (watches read etcd, so a compaction yields 410 Gone)
// and --min-request-timeout=5 (server-chosen watch timeouts of 5-10 s, so a stall outlasts them).
// FAULT_ROUNDS (default 1) repeats the whole sequence.
import { execFile, type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNode24 } from '../../scripts/node24.mjs';
import { type ControlPlane, startControlPlane } from '../../src/envtest/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { parallelizeUntil } from '../../src/util/workqueue/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startWriter } from './writer.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 1);
const SETTLE_MS = 75_000; // kube-client's relist backoff can reach 30 s after many faults
const NS = 'faults';
const CLIENTS = ['kube-client', 'client-node'] as const;
type ClientName = (typeof CLIENTS)[number];

interface Child {
  name: ClientName;
  proc: ChildProcess;
  snapshot(): Promise<{ items: Array<[string, string]>; errors: number }>;
}

async function startChild(name: ClientName, node: string, url: string, token: string): Promise<Child> {
  const proc = fork(new URL('./fixtures/informer-child.mjs', import.meta.url).pathname, [name, url, token, NS], {
    execPath: name === 'client-node' ? node : process.execPath,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not sync in 60 s: ${stderr}`)), 60_000);
    proc.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${stderr}`)));
  });
  return {
    name,
    proc,
    snapshot: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not answer`)), 10_000);
        proc.once('message', (m) => {
          clearTimeout(timer);
          resolve(m as { items: Array<[string, string]>; errors: number });
        });
        proc.send({ cmd: 'snapshot' });
      }),
  };
}

interface Outcome {
  fault: string;
  round: number;
  client: ClientName;
  converged: boolean;
  settleMs: number;
  errors: number;
  detail: string;
  /** What the proxy saw during the scenario (both clients together). */
  observed: string;
}

describe('informers under faults with a continuous writer', () => {
  let cp: ControlPlane;
  let proxy: FaultProxy;
  let direct: Clientset;
  let node24: string;
  const outcomes: Outcome[] = [];
  let restarts = 0;

  beforeAll(async () => {
    node24 = ensureNode24((l: string) => console.log(l));
    cp = await startControlPlane({ watchCache: false, apiserverArgs: ['--min-request-timeout=5'], log: () => {} });
    proxy = await startFaultProxy(cp.server.port, cp.server.caData);
    direct = Clientset.forConfig({ ...cp.config, qps: -1 });
    await direct.coreV1.namespaces.create({ metadata: { name: NS } });
    await parallelizeUntil(undefined, 16, 1000, async (i) => {
      await direct.coreV1.configMaps(NS).create({ metadata: { name: `cm-${i}` }, data: { seq: 'initial' } });
    });
  }, 300_000);

  afterAll(async () => {
    await proxy?.close();
    await cp?.stop();
    if (outcomes.length === 0) return;
    const rows = new Map<string, Record<ClientName, Outcome[]>>();
    for (const o of outcomes) {
      const row = rows.get(o.fault) ?? { 'kube-client': [], 'client-node': [] };
      row[o.client].push(o);
      rows.set(o.fault, row);
    }
    const cell = (os: Outcome[]) => {
      const ok = os.filter((o) => o.converged);
      const worst = ok.length ? Math.max(...ok.map((o) => o.settleMs)) : 0;
      return `${ok.length}/${os.length}${ok.length ? ` (settled ≤ ${(worst / 1000).toFixed(1)} s)` : ''}`;
    };
    const table = [
      '| fault (injected repeatedly while the writer runs) | observed at the proxy (last round) | kube-client converged | client-node converged |',
      '|---|---|---|---|',
      ...[...rows].map(
        ([fault, r]) =>
          `| ${fault} | ${r['kube-client'].at(-1)?.observed ?? ''} | ${cell(r['kube-client'])} | ${cell(r['client-node'])} |`,
      ),
    ].join('\n');
    console.log(`\nfault suite, ${ROUNDS} round(s):\n${table}\n`);
    mkdirSync('.bench-tmp', { recursive: true });
    writeFileSync('.bench-tmp/faults-report.md', `${table}\n`);
    writeFileSync('.bench-tmp/faults-report.json', JSON.stringify(outcomes, null, 2));
  });

  const serverState = async () => {
    const list = await direct.coreV1.configMaps(NS).list();
    return new Map(list.items.map((c) => [c.metadata!.name!, c.metadata!.resourceVersion!]));
  };
  const diff = (server: Map<string, string>, cache: Array<[string, string]>) => {
    const c = new Map(cache);
    let missing = 0;
    let stale = 0;
    for (const [k, rv] of server) {
      if (!c.has(k)) missing++;
      else if (c.get(k) !== rv) stale++;
    }
    const extra = [...c.keys()].filter((k) => !server.has(k)).length;
    return { equal: missing + stale + extra === 0, text: `${missing} missing, ${stale} stale, ${extra} extra` };
  };

  /** Runs one fault scenario for both clients and records whether each converged. */
  const scenario = async (fault: string, round: number, inject: () => Promise<void>) => {
    const say = (line: string) => process.stderr.write(`faults: round ${round}: ${fault}: ${line}\n`);
    say('starting both clients');
    const before = { ...proxy.stats };
    const restartsBefore = restarts;
    const children = await Promise.all(CLIENTS.map((c) => startChild(c, node24, proxy.url, cp.server.adminToken)));
    try {
      const writer = startWriter(direct, NS);
      await sleep(1500);
      say('writer running; injecting');
      await inject();
      await sleep(1500);
      const written = await writer.stop();
      say(`writer stopped after ${written.ops} writes; waiting for both caches to equal a fresh list`);
      expect(written.ops).toBeGreaterThan(50);
      const delta = (k: keyof typeof before) => proxy.stats[k] - before[k];
      const observed = [
        `${written.ops} writes`,
        restarts > restartsBefore ? `${restarts - restartsBefore} apiserver kills` : '',
        delta('gone') ? `${delta('gone')} × 410` : '',
        delta('cutMidEvent') ? `${delta('cutMidEvent')} streams cut mid-event` : '',
        delta('stalledRequests') ? `${delta('stalledRequests')} requests held` : '',
        delta('status429') ? `${delta('status429')} × 429` : '',
        delta('status500') ? `${delta('status500')} × 500` : '',
        delta('refused') ? `${delta('refused')} connections refused` : '',
      ]
        .filter(Boolean)
        .join(', ');
      const settleStarted = Date.now();
      const pending = new Set(children);
      const last = new Map<Child, string>();
      while (pending.size > 0 && Date.now() - settleStarted < SETTLE_MS) {
        const server = await serverState();
        for (const child of [...pending]) {
          const snap = await child.snapshot();
          const d = diff(server, snap.items);
          last.set(child, `${d.text}; ${snap.errors} errors`);
          if (d.equal) {
            pending.delete(child);
            outcomes.push({
              fault,
              round,
              client: child.name,
              converged: true,
              settleMs: Date.now() - settleStarted,
              errors: snap.errors,
              detail: '',
              observed,
            });
          }
        }
        if (pending.size > 0) await sleep(250);
      }
      for (const child of pending) {
        outcomes.push({
          fault,
          round,
          client: child.name,
          converged: false,
          settleMs: SETTLE_MS,
          errors: 0,
          detail: last.get(child) ?? '',
          observed,
        });
      }
      for (const o of outcomes.filter((x) => x.fault === fault && x.round === round)) {
        say(
          `${o.client} ${o.converged ? `converged in ${(o.settleMs / 1000).toFixed(1)} s` : `did not converge (${o.detail})`}`,
        );
      }
      const mine = outcomes.filter((o) => o.fault === fault && o.round === round && o.client === 'kube-client');
      expect(mine.map((o) => (o.converged ? 'converged' : `not converged: ${o.detail}`))).toEqual(['converged']);
    } finally {
      for (const c of children) c.proc.kill('SIGKILL');
    }
  };

  /** Three 3-second periods in which the proxy misbehaves (optionally cutting live streams first). */
  const badPeriods = async (mode: 'status429' | 'status500' | 'down', cut: boolean) => {
    for (let i = 0; i < 3; i++) {
      proxy.setMode(mode);
      if (cut) proxy.cutAll();
      await sleep(3000);
      proxy.setMode('pass');
      await sleep(1000);
    }
  };

  const faults: Array<[string, () => Promise<void>]> = [
    [
      'kill -9 kube-apiserver and restart it (2x)',
      async () => {
        for (let i = 0; i < 2; i++) {
          await cp.restartApiserver({ kill: true, downMs: 1000 });
          restarts++;
          await sleep(1500);
        }
      },
    ],
    [
      'etcd compaction while the informers are cut off: 410 Gone on the next watch (3x)',
      async () => {
        const env = { ...process.env, ETCDCTL_API: '3' };
        for (let i = 0; i < 3; i++) {
          // Cut the informers off while the writer goes on, then compact at the newest revision: the
          // version each informer resumes from is gone, so its next watch gets 410 and it relists.
          proxy.setMode('down');
          proxy.cutAll();
          await sleep(1500);
          const { stdout } = await run(
            'etcdctl',
            ['--endpoints', cp.server.etcdUrl, 'endpoint', 'status', '-w', 'json'],
            {
              env,
            },
          );
          const revision = (JSON.parse(stdout) as Array<{ Status: { header: { revision: number } } }>)[0]!.Status.header
            .revision;
          await run('etcdctl', ['--endpoints', cp.server.etcdUrl, 'compact', String(revision)], { env });
          proxy.setMode('pass');
          await sleep(2000);
        }
      },
    ],
    [
      'watch streams cut mid-event (3x)',
      async () => {
        for (let i = 0; i < 3; i++) {
          proxy.cutWatchesMidEvent();
          await sleep(1500);
        }
      },
    ],
    [
      'proxy stalls 16 s, longer than the watch timeout (2x)',
      async () => {
        for (let i = 0; i < 2; i++) {
          await proxy.stall(16_000);
          await sleep(1000);
        }
      },
    ],
    ['429 with Retry-After: 1 for 3 s, streams cut (3x)', () => badPeriods('status429', true)],
    ['500 Internal Server Error for 3 s, streams cut (3x)', () => badPeriods('status500', true)],
    ['connections refused for 3 s (3x)', () => badPeriods('down', false)],
  ];

  for (let round = 1; round <= ROUNDS; round++) {
    for (const [fault, inject] of faults) {
      it(`round ${round}: ${fault}`, () => scenario(fault, round, inject), 240_000);
    }
  }
});
