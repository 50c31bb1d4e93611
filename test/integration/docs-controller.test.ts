// docs/controller.md cannot rot: its TypeScript blocks (each names its file) and its tsconfig are
// written to a project folder and type-checked with tsc, and the tutorial's controller runs against
// the real control plane doing what the page says (greeting, recreate, update, events), as do its
// finalizer and condition snippets.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Manager } from '../../src/controller/index.js';
import type { core_v1 } from '../../src/kubernetes/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';
import { codeBlocks } from '../support/markdown-code.js';

const PAGE = 'docs/controller.md';
const dir = resolve('.build/docs-controller');

const until = async <T>(fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

function tsc(project: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', project], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('close', (code) => done({ code, output }));
  });
}

describe('docs/controller.md', () => {
  const blocks = codeBlocks(PAGE);

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const b of blocks.filter((x) => x.file)) {
      mkdirSync(dirname(join(dir, b.file!)), { recursive: true });
      writeFileSync(join(dir, b.file!), b.code);
    }
    const tsconfig = blocks.find((b) => b.lang === 'json' && b.code.includes('compilerOptions'));
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig!.code);
    // The page's tsconfig, with kube-client resolved to this checkout's sources instead of node_modules.
    const src = resolve('src');
    writeFileSync(
      join(dir, 'tsconfig.check.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: {
          noEmit: true,
          rootDir: resolve('.'),
          paths: { 'kube-client': [`${src}/index.ts`], 'kube-client/*': [`${src}/*/index.ts`] },
        },
      }),
    );
  });

  it('names the file of every TypeScript block, and has the tutorial files', () => {
    const ts = blocks.filter((b) => b.lang === 'ts');
    expect(ts.length).toBeGreaterThanOrEqual(4);
    for (const b of ts) expect(b.file, b.code.slice(0, 80)).toBeDefined();
    expect(ts.map((b) => b.file)).toEqual(expect.arrayContaining(['src/hello.ts', 'src/main.ts']));
  });

  it('type-checks every block with the page tsconfig (strict)', async () => {
    const r = await tsc(join(dir, 'tsconfig.check.json'));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  }, 240_000);

  describe('the tutorial controller against the control plane', () => {
    let ns: string;
    let mgr: Manager;
    const ac = new AbortController();
    let running: Promise<void>;

    beforeAll(async () => {
      ns = await createTestNamespace('tutorial');
      const config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
      mgr = new Manager({ config, promClient: false, log: () => {} });
      const { addHelloController } = (await import(join(dir, 'src/hello.ts'))) as {
        addHelloController: (m: Manager, namespace?: string) => unknown;
      };
      addHelloController(mgr, ns);
      running = mgr.start(ac.signal);
    }, 60_000);

    afterAll(async () => {
      ac.abort();
      await running;
    });

    it('does what step 4 says: greeting, recreated when deleted, updated, a Created event', async () => {
      const yaml = blocks.find((b) => b.lang === 'yaml');
      const alice = parse(yaml!.code) as core_v1.ConfigMap;
      const cms = mgr.clientset.coreV1.configMaps(ns);
      await cms.create({ ...alice, metadata: { ...alice.metadata, namespace: ns } });
      const greeting = async () => (await cms.get('alice-greeting')).data?.greeting;
      expect(await until(greeting)).toBe('Hello, Alice!');
      const first = await cms.get('alice-greeting');
      await cms.delete('alice-greeting');
      await until(async () => (await cms.get('alice-greeting')).metadata?.uid !== first.metadata?.uid);
      await cms.patch('alice', 'application/merge-patch+json', { data: { name: 'Bob' } });
      await until(async () => (await greeting()) === 'Hello, Bob!');
      await until(async () =>
        (await mgr.clientset.coreV1.events(ns).list()).items.some(
          (e) => e.reason === 'Created' && e.involvedObject.name === 'alice' && e.involvedObject.kind === 'ConfigMap',
        ),
      );
    });

    it('the finalizer snippet adds the finalizer, then cleans up and lets the object go', async () => {
      const { reconcileWithCleanup } = (await import(join(dir, 'src/finalizer.ts'))) as {
        reconcileWithCleanup: (...a: unknown[]) => Promise<unknown>;
      };
      const cms = mgr.clientset.coreV1.configMaps(ns);
      const reader = mgr.reader(cms);
      await cms.create({ metadata: { name: 'to-finalize' } });
      const req = { namespace: ns, name: 'to-finalize' };
      await until(() => reader.get(req));
      expect(await reconcileWithCleanup(mgr.clientset, reader, req)).toBeUndefined();
      await until(async () => (await reader.get(req))?.metadata?.finalizers?.includes('example.com/cleanup'));
      expect(await reconcileWithCleanup(mgr.clientset, reader, req)).toEqual({ requeueAfterMs: 60_000 });
      await cms.delete('to-finalize');
      await until(async () => (await reader.get(req))?.metadata?.deletionTimestamp);
      expect((await cms.get('to-finalize')).metadata?.deletionTimestamp).toBeTruthy();
      await reconcileWithCleanup(mgr.clientset, reader, req);
      await until(async () => (await cms.list()).items.every((c) => c.metadata?.name !== 'to-finalize'));
    });

    it('the conditions snippet sets Ready once', async () => {
      const { markReady } = (await import(join(dir, 'src/conditions.ts'))) as {
        markReady: (s: { conditions?: unknown[] }, g?: number) => boolean;
      };
      const status: { conditions?: unknown[] } = {};
      expect(markReady(status, 1)).toBe(true);
      expect(markReady(status, 1)).toBe(false);
      expect(status.conditions).toEqual([
        expect.objectContaining({ type: 'Ready', status: 'True', observedGeneration: 1 }),
      ]);
    });
  });
});
