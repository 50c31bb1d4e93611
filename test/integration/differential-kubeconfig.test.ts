// Differential test of kubeconfig loading against kubectl v1.32 (/usr/bin/kubectl): seeded random
// sets of kubeconfig files (names defined in several files, current-context in any of them, missing
// files in the list, relative certificate paths, contexts naming missing users or clusters, http and
// https servers) are given to both as the same KUBECONFIG list. Compared: the merged view
// (`kubectl config view --raw --flatten` against mergeKubeconfigs) and the credentials each client
// really sends for the current context (`kubectl get --raw` and a kube-client request to the same
// loopback server, which records the Authorization header).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadKubeConfig, mergeKubeconfigs, parseKubeconfig } from '../../src/clientcmd/index.js';
import type { Kubeconfig } from '../../src/clientcmd/types.js';
import { closeAllTransports } from '../../src/rest/transport.js';
import { unversionedRESTClientFor } from '../../src/rest/rest-client.js';
import { Disagreements, mapLimit, type Random, seededRandom } from '../support/differential.js';
import { json, LOOPBACK_CA, startFakeServer } from '../support/fake-server.js';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const CA_B64 = Buffer.from(LOOPBACK_CA).toString('base64');

type Doc = Record<string, unknown>;
interface Scenario {
  id: number;
  dir: string;
  /** The KUBECONFIG entries (absolute paths, some missing, maybe repeated). */
  list: string[];
}

let https: Awaited<ReturnType<typeof startFakeServer>>;
let http: Awaited<ReturnType<typeof startFakeServer>>;
const home = mkdtempSync(join(tmpdir(), 'diff-kubeconfig-home-'));

function writeScenario(id: number, files: Record<string, Doc>, order: string[]): Scenario {
  const dir = mkdtempSync(join(tmpdir(), `diff-kubeconfig-${id}-`));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'ca.crt'), LOOPBACK_CA);
  writeFileSync(join(dir, 'sub', 'ca.crt'), LOOPBACK_CA);
  for (const [name, doc] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify(doc, null, 1).replaceAll('@DIR@', dir));
  return { id, dir, list: order.map((f) => join(dir, f)) };
}

function randomScenario(r: Random, id: number): Scenario {
  const files: Record<string, Doc> = {};
  const names = ['a.yaml', 'b.yaml', 'sub/c.yaml'].slice(0, 2 + r.int(2));
  for (const file of names) {
    const tag = file.replace(/\W/g, '');
    const doc: Doc = { apiVersion: 'v1', kind: 'Config' };
    const clusters = Array.from({ length: r.int(3) }, () => {
      const cluster: Doc = { server: r.pick([https.url, https.url, http.url]) };
      const ca = r.int(3);
      if (ca === 0) cluster['certificate-authority-data'] = CA_B64;
      else if (ca === 1) cluster['certificate-authority'] = 'ca.crt';
      else cluster['certificate-authority'] = '@DIR@/ca.crt';
      return { name: r.pick(['c1', 'c2', 'c3']), cluster };
    });
    const users = Array.from({ length: r.int(3) }, () => {
      const name = r.pick(['u1', 'u2', 'u3']);
      const kind = r.int(3);
      const user: Doc =
        kind === 0
          ? { token: `tok-${tag}-${name}-${r.int(1000)}` }
          : kind === 1
            ? { username: `admin-${tag}`, password: `pw-${r.int(1000)}` }
            : {};
      return { name, user };
    });
    const contexts = Array.from({ length: r.int(3) }, () => ({
      name: r.pick(['x1', 'x2', 'x3']),
      context: {
        cluster: r.pick(['c1', 'c2', 'c3', 'c1', 'c9']),
        user: r.pick(['u1', 'u2', 'u3', 'u1', 'ghost', '']),
        ...(r.chance(0.5) ? { namespace: r.pick(['ns-a', 'ns-b']) } : {}),
      },
    }));
    // One file names an entry once (client-go refuses a file that repeats a name).
    const unique = <T extends { name: string }>(l: T[]) =>
      l.filter((e, i) => l.findIndex((x) => x.name === e.name) === i);
    if (clusters.length) doc.clusters = unique(clusters);
    if (users.length) doc.users = unique(users);
    if (contexts.length) doc.contexts = unique(contexts);
    if (r.chance(0.5)) doc['current-context'] = r.pick(['x1', 'x2', 'x3', 'x1', 'nope']);
    files[file] = doc;
  }
  const order = [...names].sort(() => r.next() - 0.5);
  if (r.chance(0.3)) order.splice(r.int(order.length + 1), 0, 'missing.yaml');
  if (r.chance(0.2)) order.push(r.pick(names));
  return writeScenario(id, files, order);
}

/** Fixed cases: the edge cases, each a small KUBECONFIG list. */
function edgeScenarios(): Scenario[] {
  const cluster = (server: string) => ({ name: 'c', cluster: { server, 'certificate-authority-data': CA_B64 } });
  const one = (doc: Doc) => ({ 'a.yaml': { apiVersion: 'v1', kind: 'Config', ...doc }, 'b.yaml': { kind: 'Config' } });
  const docs: Array<Record<string, Doc>> = [
    // A context naming a missing user: client-go goes on without credentials.
    one({
      'current-context': 'x',
      clusters: [cluster(https.url)],
      users: [{ name: 'u', user: { token: 'tok-u' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'ghost' } }],
    }),
    // A token or basic auth for a plain http:// server: none is sent.
    one({
      'current-context': 'x',
      clusters: [cluster(http.url)],
      users: [{ name: 'u', user: { token: 'tok-plain' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
    one({
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: http.url } }],
      users: [{ name: 'u', user: { username: 'admin', password: 'pw-plain' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
    // The first file to define a user wins; current-context from the second file.
    {
      'a.yaml': { kind: 'Config', users: [{ name: 'u', user: { token: 'tok-first' } }] },
      'b.yaml': {
        kind: 'Config',
        'current-context': 'x',
        clusters: [cluster(https.url)],
        users: [{ name: 'u', user: { token: 'tok-second' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      },
    },
    // A relative certificate-authority path in a file of a subfolder.
    {
      'a.yaml': { kind: 'Config', 'current-context': 'x' },
      'sub/c.yaml': {
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: https.url, 'certificate-authority': 'ca.crt' } }],
        users: [{ name: 'u', user: { token: 'tok-relative' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'ns-a' } }],
      },
    },
  ];
  return docs.map((files, i) => writeScenario(1000 + i, files, [...Object.keys(files), 'missing.yaml']));
}

interface View {
  current: string;
  clusters: Record<string, unknown>;
  users: Record<string, unknown>;
  contexts: Record<string, unknown>;
}

/** The parts of a merged kubeconfig both sides show, certificate files read into data. */
function normalize(kc: Kubeconfig | undefined): View {
  const caData = (c: Record<string, unknown>) =>
    (c['certificate-authority-data'] as string | undefined) ??
    (c['certificate-authority'] ? readFileSync(c['certificate-authority'] as string).toString('base64') : undefined);
  const byName = <T extends { name: string }>(list: T[] | null | undefined, pick: (e: T) => unknown) =>
    Object.fromEntries((list ?? []).map((e) => [e.name, pick(e)]).sort());
  return {
    current: kc?.['current-context'] ?? '',
    clusters: byName(kc?.clusters, (e) => ({
      server: e.cluster?.server,
      ca: caData((e.cluster ?? {}) as Record<string, unknown>),
    })),
    users: byName(kc?.users, (e) => ({
      token: e.user?.token,
      username: e.user?.username,
      password: e.user?.password,
    })),
    contexts: byName(kc?.contexts, (e) => ({
      cluster: e.context?.cluster || undefined,
      user: e.context?.user || undefined,
      namespace: e.context?.namespace || undefined,
    })),
  };
}

async function kubectl(s: Scenario, args: string[]): Promise<{ ok: boolean; out: string }> {
  const pending = run(KUBECTL, args, {
    env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: s.list.join(':') },
    timeout: 30_000,
  });
  // No terminal: a prompt reads the end of input at once.
  pending.child.stdin?.end();
  try {
    return { ok: true, out: (await pending).stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? String(err)}` };
  }
}

/**
 * The Authorization header of the request to `path` (on either server), or that none came. kubectl
 * asks for a username on its terminal where client-go has no credentials for an https server (a
 * context naming a missing or empty user); client-go as a library (and kube-client) goes on without
 * any, so that prompt counts as "no Authorization header".
 */
function sentTo(path: string, kubectlStderr = ''): string {
  const req = [...https.requests, ...http.requests].find((q) => q.url === path);
  if (!req && kubectlStderr.includes('Please enter Username')) return 'no Authorization header';
  if (!req) return 'no request (error)';
  const auth = req.headers.authorization;
  return auth ? `Authorization: ${auth}` : 'no Authorization header';
}

describe('differential: kubeconfig loading against kubectl', () => {
  beforeAll(async () => {
    const answer = (_r: unknown, res: Parameters<typeof json>[0]) =>
      json(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    https = await startFakeServer(answer, { tls: true });
    http = await startFakeServer(answer);
  });
  afterAll(async () => {
    await closeAllTransports();
    await https?.close();
    await http?.close();
  });

  it('merges the same KUBECONFIG lists and sends the same credentials as kubectl', async () => {
    expect(existsSync(KUBECTL)).toBe(true);
    const r = seededRandom('differential-kubeconfig');
    const scenarios = [...edgeScenarios(), ...Array.from({ length: 14 }, (_, i) => randomScenario(r, i))];
    const found = new Disagreements('kubeconfig');
    const logs: string[] = [];
    const stderr = new Map<number, string>();
    await mapLimit(scenarios, 6, async (s) => {
      const input = `${s.list.map((f) => f.slice(s.dir.length + 1)).join(':')} ${s.list
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f, 'utf8').replace(/\s+/g, ''))
        .join(' | ')}`;
      const [view, get] = await Promise.all([
        kubectl(s, ['config', 'view', '--raw', '--flatten']),
        kubectl(s, ['get', '--raw', `/judge/${s.id}`]),
      ]);
      // 1. The merged view.
      const judgeView = view.ok ? JSON.stringify(normalize(parse(view.out) as Kubeconfig)) : `error: ${view.out}`;
      let ourView: string;
      try {
        const existing = [...new Set(s.list)].filter((f) => existsSync(f));
        ourView = JSON.stringify(
          normalize(mergeKubeconfigs(existing.map((f) => parseKubeconfig(readFileSync(f, 'utf8'), f)))),
        );
      } catch (err) {
        ourView = `error: ${(err as Error).message}`;
      }
      found.check('merged view', input, ourView, judgeView);

      // 2. What goes on the wire for the current context.
      stderr.set(s.id, get.ok ? '' : get.out);
      try {
        const { config } = loadKubeConfig({ path: s.list.join(':') });
        await unversionedRESTClientFor({ ...config, qps: -1, proxy: false, logger: (l) => logs.push(l) })
          .get()
          .absPath(`/ours/${s.id}`)
          .do();
      } catch {
        // no request: compared as an error below
      }
      found.check('credentials sent', input, sentTo(`/ours/${s.id}`), sentTo(`/judge/${s.id}`, get.out));
    });
    // Both sides must have sent credentials somewhere, withheld them somewhere, and failed somewhere.
    const judged = scenarios.map((s) => sentTo(`/judge/${s.id}`, stderr.get(s.id)));
    expect(judged.some((j) => j.startsWith('Authorization'))).toBe(true);
    expect(judged.some((j) => j === 'no Authorization header')).toBe(true);
    expect(judged.some((j) => j.startsWith('no request'))).toBe(true);
    // Plain http with credentials: one warning per server, naming no secret.
    for (const line of logs) expect(line).not.toMatch(/tok-|pw-/);
    expect(found.list, found.report()).toEqual([]);
  });
});
