// cp against a protocol-level server that runs the pod's commands (test -d, tar, sh -c 'head |
// tar') for real with the system's tar inside a sandbox folder standing in for the container's
// filesystem; both the v5 path (stdin closed by the close signal) and the v4 path (size known
// ahead) are exercised, plus archives with entries that try to escape the destination.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyError, copyFromPod, copyToPod } from '../../../../src/tools/cp/index.js';
import {
  type ChannelServer,
  exitStatus,
  KUBELET_120_PROTOCOLS,
  sendFrame,
  startChannelServer,
  type WebSocket,
} from '../../../support/channel-server.js';

let server: ChannelServer | undefined;
let work: string;
let podRoot: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cp-test-'));
  podRoot = join(work, 'pod');
  await mkdir(podRoot);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(work, { recursive: true, force: true });
});

/** Runs the exec's command inside the sandbox: absolute paths of the pod are mapped into it. */
function podExec(hostile?: Buffer) {
  return (ws: WebSocket, protocol: string, seen: { url: URL }) => {
    const cmd = seen.url.searchParams.getAll('command');
    const inPod = (p: string) => join(podRoot, p);
    let argv: string[];
    if (cmd[0] === 'test') argv = ['test', cmd[1]!, inPod(cmd[2]!)];
    else if (cmd[0] === 'tar' && cmd[1] === 'cf') {
      if (hostile) {
        sendFrame(ws, 1, hostile);
        sendFrame(ws, 3, exitStatus(0));
        ws.close(1000);
        return;
      }
      argv = ['tar', 'cf', '-', '-C', podRoot, cmd[3]!.replace(/^\/+/, '')];
    } else if (cmd[0] === 'tar') argv = ['tar', '-xmf', '-', '-C', inPod(cmd[4]!)];
    else if (cmd[0] === 'sh') argv = ['sh', '-c', cmd[2]!, inPod(cmd[3]!)];
    else throw new Error(`unexpected command ${cmd.join(' ')}`);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (d: Buffer) => sendFrame(ws, 1, d));
    child.stderr.on('data', (d: Buffer) => sendFrame(ws, 2, d));
    ws.on('message', (m: Buffer) => {
      if (m[0] === 0) child.stdin.write(m.subarray(1));
      else if (m[0] === 255 && m[1] === 0) child.stdin.end();
    });
    ws.on('close', () => child.kill());
    child.on('close', (code) => {
      sendFrame(ws, 3, protocol.startsWith('v4') || protocol.startsWith('v5') ? exitStatus(code ?? 1) : '');
      ws.close(1000);
    });
  };
}

async function makeTree(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>([
    ['a.txt', Buffer.from('alpha\n')],
    ['empty', Buffer.alloc(0)],
    ['nested/deeper/big.bin', randomBytes(5 * 1024 * 1024 + 17)],
    ['nested/b.txt', Buffer.from('beta')],
  ]);
  for (const [rel, data] of files) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), data);
  }
  await mkdir(join(root, 'empty-dir'));
  return files;
}

function expectTree(root: string, files: Map<string, Buffer>): void {
  for (const [rel, data] of files) expect(readFileSync(join(root, rel)).equals(data), rel).toBe(true);
  expect(existsSync(join(root, 'empty-dir'))).toBe(true);
}

describe.each([
  ['v5 (close signal)', undefined],
  ['v4 (a v1.20 kubelet: size sent ahead)', KUBELET_120_PROTOCOLS],
])('cp over %s', (_name, speaks) => {
  it('copies a tree into an existing folder of the pod and back out, byte-exact', async () => {
    server = await startChannelServer(() => ({ accept: podExec() }), { speaks });
    const local = join(work, 'site');
    const files = await makeTree(local);
    await mkdir(join(podRoot, 'srv'));
    const config = { host: server.url };
    const target = { namespace: 'ns', pod: 'web' };
    const { remotePath } = await copyToPod(config, { ...target, localPath: local, remotePath: '/srv/' });
    expect(remotePath).toBe('/srv/site');
    expectTree(join(podRoot, 'srv/site'), files);
    const back = join(work, 'back');
    const result = await copyFromPod(config, { ...target, remotePath: '/srv/site', localPath: back });
    expect(result.skipped).toEqual([]);
    expectTree(back, files);
    // A single file to a path that is no folder: written under that name.
    await copyToPod(config, { ...target, localPath: join(local, 'a.txt'), remotePath: '/srv/renamed.txt' });
    expect(await readFile(join(podRoot, 'srv/renamed.txt'), 'utf8')).toBe('alpha\n');
    const upgrades = server.upgrades.map((u) => u.url.searchParams.getAll('command').join(' '));
    if (speaks) expect(upgrades[1]).toMatch(/^sh -c head -c \d+ \| tar -xmf - -C "\$0" \/srv$/);
    else expect(upgrades[1]).toBe('tar -xmf - -C /srv');
  });
});

describe('cp path rules', () => {
  it('refuses a missing local source and reports a failing tar in the pod', async () => {
    server = await startChannelServer(() => ({ accept: podExec() }));
    await expect(
      copyToPod({ host: server.url }, { namespace: 'ns', pod: 'web', localPath: join(work, 'nope'), remotePath: '/x' }),
    ).rejects.toThrow(/doesn't exist in local filesystem/);
    const e = await copyFromPod(
      { host: server.url },
      { namespace: 'ns', pod: 'web', remotePath: '/missing', localPath: join(work, 'out') },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CopyError);
    expect((e as Error).message).toMatch(/exit code [12]/);
  });

  it('skips entries that escape the destination and links, writing the rest', async () => {
    const p = pack();
    p.entry({ name: 'tmp/dir/ok.txt' }, 'fine');
    p.entry({ name: 'tmp/dir/../../../evil.txt' }, 'evil');
    p.entry({ name: 'tmp/dir/link', type: 'symlink', linkname: '/etc/passwd' });
    p.entry({ name: 'tmp/dir/sub/', type: 'directory' });
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
    server = await startChannelServer(() => ({ accept: podExec(Buffer.concat(chunks)) }));
    const out = join(work, 'deep', 'out');
    const warnings: string[] = [];
    const r = await copyFromPod(
      { host: server.url },
      { namespace: 'ns', pod: 'web', remotePath: '/tmp/dir', localPath: out, onWarning: (w) => warnings.push(w) },
    );
    expect(await readFile(join(out, 'ok.txt'), 'utf8')).toBe('fine');
    expect(existsSync(join(work, 'evil.txt'))).toBe(false);
    expect(existsSync(join(work, 'deep', 'evil.txt'))).toBe(false);
    expect(r.skipped.map((s) => s.name)).toEqual(['tmp/dir/../../../evil.txt', 'tmp/dir/link']);
    expect(warnings).toHaveLength(2);
    expect((await stat(join(out, 'sub'))).isDirectory()).toBe(true);
    expect((await readdir(out)).sort()).toEqual(['ok.txt', 'sub']);
  });

  it('does not write through links already in the local destination (a linked folder or file)', async () => {
    const outside = join(work, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'target.txt'), 'untouched');
    const out = join(work, 'out');
    await mkdir(out);
    await symlink(outside, join(out, 'linked-dir'));
    await symlink(join(outside, 'target.txt'), join(out, 'linked-file'));
    const p = pack();
    p.entry({ name: 'tmp/dir/linked-dir/evil.txt' }, 'evil');
    p.entry({ name: 'tmp/dir/linked-file' }, 'evil');
    p.entry({ name: 'tmp/dir/ok.txt' }, 'fine');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
    server = await startChannelServer(() => ({ accept: podExec(Buffer.concat(chunks)) }));
    const r = await copyFromPod(
      { host: server.url },
      { namespace: 'ns', pod: 'web', remotePath: '/tmp/dir', localPath: out },
    );
    expect(r.skipped.map((s) => s.name)).toEqual(['tmp/dir/linked-dir/evil.txt', 'tmp/dir/linked-file']);
    expect(existsSync(join(outside, 'evil.txt'))).toBe(false);
    expect(await readFile(join(outside, 'target.txt'), 'utf8')).toBe('untouched');
    expect(await readFile(join(out, 'ok.txt'), 'utf8')).toBe('fine');
  });

  it('an entry outside the copied path means a tampered archive: an error, and the exec is stopped', async () => {
    const p = pack();
    p.entry({ name: 'etc/shadow' }, 'x');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
    server = await startChannelServer(() => ({ accept: podExec(Buffer.concat(chunks)) }));
    await expect(
      copyFromPod(
        { host: server.url },
        { namespace: 'ns', pod: 'web', remotePath: '/tmp/dir', localPath: join(work, 'o') },
      ),
    ).rejects.toThrow(/tar contents corrupted/);
  });
});
