// exec, attach, port-forward, logs and cp against real pods on the real node (kubelet +
// containerd, busybox), with kubectl as the reference client on the same pods.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, StatusError } from '../../src/apimachinery/errors.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { type Config, RequestAbortedError, StreamInterruptedError } from '../../src/rest/index.js';
import { copyFromPod, copyToPod } from '../../src/tools/cp/index.js';
import type { PortForwardError } from '../../src/tools/portforward/index.js';
import {
  attach,
  CodeExitError,
  exec,
  pushTerminalSizeQueue,
  STREAM_PROTOCOL_V4,
  STREAM_PROTOCOL_V5,
} from '../../src/tools/remotecommand/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';
import { startCuttingProxy } from '../support/cutting-proxy.js';

const node = controlPlane.node!;

function kubectl(args: string[], input?: Buffer): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', controlPlane.kubeconfigPath, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: err, code: code ?? -1 }));
    child.stdin.end(input);
  });
}

/** kubectl run for `ms` (attach never ends by itself), then stopped; its stdout as text. */
function kubectlFor(args: string[], ms: number, input?: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', controlPlane.kubeconfigPath, ...args], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    if (input) child.stdin.write(input);
    const timer = setTimeout(() => child.kill(), ms);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

function sink(): { stream: Writable; data(): Buffer } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    }),
    data: () => Buffer.concat(chunks),
  };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('streams against a real kubelet', () => {
  let ns: string;
  let config: Config;
  let cs: Clientset;
  const busybox = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName: node.name,
      terminationGracePeriodSeconds: 0,
      containers: [
        { name: 'main', image: node.images.busybox, imagePullPolicy: 'Never', command: ['sh', '-c', script], ...extra },
      ],
    },
  });

  async function running(name: string): Promise<void> {
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      const pod = (await cs.coreV1.pods(ns).get(name)) as {
        status?: { phase?: string; containerStatuses?: Array<{ ready?: boolean }> };
      };
      if (pod.status?.phase === 'Running' && pod.status.containerStatuses?.every((c) => c.ready)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`pod ${name} did not start`);
  }

  beforeAll(async () => {
    ns = await createTestNamespace('streams');
    config = {
      host: controlPlane.url,
      bearerToken: controlPlane.adminToken,
      tls: { caData: controlPlane.caData },
      qps: -1,
    };
    cs = new Clientset(config);
    await cs.coreV1.pods(ns).create(busybox('shell', 'sleep 3600') as never);
    await cs.coreV1
      .pods(ns)
      .create(
        busybox(
          'web',
          'mkdir -p /www && head -c 10485760 /dev/urandom > /www/big && echo hello > /www/small && httpd -f -p 8080 -h /www',
        ) as never,
      );
    await cs.coreV1
      .pods(ns)
      .create(
        busybox('counter', 'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.2; done', { stdin: true }) as never,
      );
    await cs.coreV1
      .pods(ns)
      .create(busybox('echoer', 'while read l; do echo "got $l"; done; sleep 3600', { stdin: true }) as never);
    await cs.coreV1.pods(ns).create(busybox('tty', 'sh', { stdin: true, tty: true }) as never);
    // The pause after the read: stdin and stdout are attached by one call, but a line echoed before
    // containerd has wired stdout up to this session is lost (kubectl attach has the same race).
    // The pause after the echo: a container that exits at once can take its last output with it
    // (containerd closes the attached streams on exit; a CI run saw the session end with the exit
    // status and no output at all).
    const once = busybox('once', 'read l; sleep 1; echo "once $l"; sleep 1', { stdin: true }) as {
      spec: Record<string, unknown>;
    };
    once.spec.restartPolicy = 'Never';
    await cs.coreV1.pods(ns).create(once as never);
    await Promise.all(['shell', 'web', 'counter', 'echoer', 'tty', 'once'].map(running));
    // httpd writes its file first; wait until it answers.
    for (let i = 0; i < 60; i++) {
      const r = await cs.coreV1.pods(ns).execText('web', {
        command: ['sh', '-c', 'test -s /www/small && wget -q -O /dev/null http://127.0.0.1:8080/small && echo up'],
      });
      if (r.stdout.includes('up')) break;
      await new Promise((res) => setTimeout(res, 500));
    }
  }, 180_000);

  afterAll(async () => {
    await cs?.coreV1
      .pods(ns)
      .deleteCollection({ gracePeriodSeconds: 0 })
      .catch(() => undefined);
  });

  it('exec: separated streams and exit code 3 over v4, as kubectl exec', async () => {
    const out = sink();
    const err = sink();
    const e = await cs.coreV1
      .pods(ns)
      .exec('shell', {
        command: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
        stdout: out.stream,
        stderr: err.stream,
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CodeExitError);
    expect((e as CodeExitError).exitCode).toBe(3);
    expect(out.data().toString()).toBe('out\n');
    expect(err.data().toString()).toBe('err\n');
    const ref = await kubectl(['-n', ns, 'exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(ref.code).toBe(3);
    expect(ref.stdout.toString()).toBe(out.data().toString());
    expect(ref.stderr).toContain('err\n');
    const ok = await exec(config, { namespace: ns, pod: 'shell', command: ['true'] });
    expect(ok.protocol).toBe(STREAM_PROTOCOL_V4);
  });

  it('the v1.20 kubelet refuses an offer of v5 alone with 403', async () => {
    const e = await exec(config, {
      namespace: ns,
      pod: 'shell',
      command: ['true'],
      protocols: [STREAM_PROTOCOL_V5],
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(403);
  });

  it('missing pod and container are StatusErrors, as kubectl reports them', async () => {
    const gone = await cs.coreV1
      .pods(ns)
      .execText('nope', { command: ['true'] })
      .catch((x: unknown) => x);
    expect(isNotFound(gone)).toBe(true);
    const noContainer = await cs.coreV1
      .pods(ns)
      .execText('shell', { command: ['true'], container: 'nope' })
      .catch((x: unknown) => x);
    expect(noContainer).toBeInstanceOf(StatusError);
    expect((noContainer as Error).message).toContain('nope');
    const ref = await kubectl(['-n', ns, 'exec', 'shell', '-c', 'nope', '--', 'true']);
    expect(ref.code).not.toBe(0);
  });

  it('1 MiB of random bytes through cat comes back byte-exact (and through kubectl the same)', async () => {
    const input = randomBytes(1024 * 1024);
    const out = new PassThrough();
    const ac = new AbortController();
    const chunks: Buffer[] = [];
    let got = 0;
    out.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      // v4 cannot end stdin: stop once everything came back.
      if (got >= input.length) ac.abort(new Error('all bytes back'));
    });
    const e = await exec(config, {
      namespace: ns,
      pod: 'shell',
      command: ['cat'],
      stdin: Readable.from([input]),
      stdout: out,
      signal: ac.signal,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RequestAbortedError);
    expect(sha(Buffer.concat(chunks))).toBe(sha(input));
    const ref = await kubectl(['-n', ns, 'exec', '-i', 'shell', '--', 'cat'], input);
    expect(sha(ref.stdout)).toBe(sha(input));
  });

  it('a tty resize shows in stty size', async () => {
    const sizes = pushTerminalSizeQueue({ width: 100, height: 40 });
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
      if (/40 100/.test(text) && !/50 120/.test(text)) sizes.push({ width: 120, height: 50 });
    });
    // stty asks the terminal on its stdin: the session needs one.
    const stdin = new PassThrough();
    await exec(config, {
      namespace: ns,
      pod: 'shell',
      command: ['sh', '-c', 'sleep 1; stty size; sleep 2; stty size'],
      tty: true,
      stdin,
      stdout: out,
      terminalSizeQueue: sizes,
    });
    stdin.end();
    expect(text).toMatch(/40 100\r?\n[\s\S]*50 120/);
  });

  it('attach without stdin streams the main process output (v5 refused, v4 with stdin asked for), as kubectl attach', async () => {
    const ac = new AbortController();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
      if ((text.match(/line \d+\n/g) ?? []).length >= 3) ac.abort(new Error('enough lines'));
    });
    const e = await cs.coreV1
      .pods(ns)
      .attach('counter', { stdout: out, signal: AbortSignal.any([ac.signal, AbortSignal.timeout(30_000)]) })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RequestAbortedError);
    expect((e as Error).message).toMatch(/enough lines/);
    const numbers = [...text.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
    expect(numbers.slice(0, 3)).toEqual([numbers[0], numbers[0]! + 1, numbers[0]! + 2]);
    // kubectl (SPDY) sees the same process go on.
    const ref = await kubectlFor(['-n', ns, 'attach', 'counter'], 8000);
    const refNumbers = [...ref.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
    expect(refNumbers.length).toBeGreaterThan(0);
    expect(refNumbers[0]!).toBeGreaterThan(numbers[2]!);
  });

  it('attach with stdin: input reaches the process and its answer comes back, as kubectl attach -i', async () => {
    const stdin = new PassThrough();
    const out = new PassThrough();
    const ac = new AbortController();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('got two\n')) ac.abort(new Error('answered'));
      else if (text.includes('got one\n')) stdin.write('two\n');
    });
    stdin.write('one\n');
    const e = await cs.coreV1
      .pods(ns)
      .attach('echoer', { stdin, stdout: out, signal: AbortSignal.any([ac.signal, AbortSignal.timeout(30_000)]) })
      .catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/answered/);
    expect(text).toBe('got one\ngot two\n');
    const ref = await kubectlFor(['-n', ns, 'attach', '-i', 'echoer'], 8000, 'three\n');
    expect(ref).toContain('got three\n');
  });

  it('attach ends with the container: the exit resolves the session over v4', async () => {
    const stdin = new PassThrough();
    const out = sink();
    const p = attach(config, {
      namespace: ns,
      pod: 'once',
      stdin,
      stdout: out.stream,
      signal: AbortSignal.timeout(30_000),
    });
    stdin.write('bye\n');
    const r = await p;
    expect(r.protocol).toBe(STREAM_PROTOCOL_V4);
    expect(out.data().toString()).toBe('once bye\n');
  });

  it('attach with a tty: the resize shows in stty size', async () => {
    const sizes = pushTerminalSizeQueue({ width: 100, height: 40 });
    const stdin = new PassThrough();
    const out = new PassThrough();
    const ac = new AbortController();
    let text = '';
    let resized = false;
    out.on('data', (c: Buffer) => {
      text += c.toString();
      if (!resized && /40 100/.test(text)) {
        resized = true;
        sizes.push({ width: 120, height: 50 });
        setTimeout(() => stdin.write('stty size\n'), 500);
      }
      if (/50 120/.test(text)) ac.abort(new Error('resized'));
    });
    setTimeout(() => stdin.write('stty size\n'), 500);
    const e = await cs.coreV1
      .pods(ns)
      .attach('tty', {
        tty: true,
        stdin,
        stdout: out,
        terminalSizeQueue: sizes,
        signal: AbortSignal.any([ac.signal, AbortSignal.timeout(30_000)]),
      })
      .catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/resized/);
    expect(text).toMatch(/40 100\r?\n[\s\S]*50 120/);
  });

  it('logs follow sees lines written after it started and matches kubectl logs', async () => {
    const ac = new AbortController();
    const log = await cs.coreV1.pods(ns).streamLog('counter', { follow: true, tailLines: 1, signal: ac.signal });
    const lines: string[] = [];
    for await (const line of log) {
      lines.push(line);
      if (lines.length >= 6) ac.abort();
    }
    const numbers = lines.map((l) => Number(/line (\d+)/.exec(l)?.[1]));
    expect(numbers).toEqual(Array.from({ length: 6 }, (_, i) => numbers[0]! + i));
    const ref = await kubectl(['-n', ns, 'logs', 'counter']);
    const refLines = ref.stdout.toString().trim().split('\n');
    const ours = (await cs.coreV1.pods(ns).streamLog('counter')) as AsyncIterable<string>;
    const all: string[] = [];
    for await (const l of ours) all.push(l);
    expect(all.slice(0, refLines.length)).toEqual(refLines);
    expect(refLines).toEqual(expect.arrayContaining(lines));
  });

  it('port-forward: 100 concurrent connections, a 10 MiB transfer byte-exact, an error when nothing listens', async () => {
    const remoteSha = (await cs.coreV1.pods(ns).execText('web', { command: ['sha256sum', '/www/big'] })).stdout.split(
      ' ',
    )[0];
    const errors: PortForwardError[] = [];
    const pf = cs.coreV1.pods(ns).portForward('web', { ports: [':8080', ':9999'], onError: (e) => errors.push(e) });
    const [web, nothing] = await pf.ready;
    const get = (port: number, path: string) =>
      new Promise<Buffer>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    const small = await Promise.all(Array.from({ length: 100 }, () => get(web!.local, '/small')));
    expect(small.every((b) => b.toString() === 'hello\n')).toBe(true);
    const big = await get(web!.local, '/big');
    expect(big.length).toBe(10 * 1024 * 1024);
    expect(sha(big)).toBe(remoteSha);
    await get(nothing!.local, '/').catch(() => undefined);
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(errors[0]?.remotePort).toBe(9999);
    expect(errors[0]?.message).toMatch(/9999/);
    await pf.close();
  });

  it('cp: a tree with nested folders, an empty file and a 5 MiB file both ways byte-exact; links are not followed out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'streams-cp-'));
    try {
      const tree = join(dir, 'tree');
      const files = new Map<string, Buffer>([
        ['a.txt', Buffer.from('alpha\n')],
        ['empty', Buffer.alloc(0)],
        ['nested/deeper/big.bin', randomBytes(5 * 1024 * 1024)],
        ['nested/b.txt', Buffer.from('beta')],
      ]);
      for (const [rel, data] of files) {
        await mkdir(join(tree, rel, '..'), { recursive: true });
        await writeFile(join(tree, rel), data);
      }
      await cs.coreV1.pods(ns).execText('shell', { command: ['mkdir', '-p', '/tmp/dst'] });
      const { remotePath } = await copyToPod(config, {
        namespace: ns,
        pod: 'shell',
        localPath: tree,
        remotePath: '/tmp/dst',
      });
      expect(remotePath).toBe('/tmp/dst/tree');
      const sums = (
        await cs.coreV1
          .pods(ns)
          .execText('shell', { command: ['sh', '-c', 'cd /tmp/dst/tree && find . -type f | sort | xargs sha256sum'] })
      ).stdout;
      for (const [rel, data] of files) expect(sums).toContain(`${sha(data)}  ./${rel}`);
      await cs.coreV1.pods(ns).execText('shell', { command: ['ln', '-s', '/etc/passwd', '/tmp/dst/tree/link'] });
      const back = join(dir, 'back');
      const r = await copyFromPod(config, {
        namespace: ns,
        pod: 'shell',
        remotePath: '/tmp/dst/tree',
        localPath: back,
      });
      for (const [rel, data] of files) expect(sha(readFileSync(join(back, rel))), rel).toBe(sha(data));
      expect(r.skipped.map((s) => s.name)).toEqual(['tmp/dst/tree/link']);
      expect(existsSync(join(back, 'link'))).toBe(false);
      // kubectl reads the same tree the same way.
      const ref = join(dir, 'ref');
      const k = await kubectl(['-n', ns, 'cp', 'shell:/tmp/dst/tree', ref]);
      expect(k.code).toBe(0);
      for (const [rel, data] of files) expect(sha(readFileSync(join(ref, rel))), rel).toBe(sha(data));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a stream cut mid-transfer ends in a typed error, never a hang', async () => {
    const proxy = await startCuttingProxy(controlPlane.port);
    try {
      const out = new PassThrough();
      let got = 0;
      out.on('data', (c: Buffer) => {
        got += c.length;
        if (got > 1024 * 1024) proxy.cutAll();
      });
      const e = await exec(
        { ...config, host: proxy.url, tls: { ...config.tls, serverName: '127.0.0.1' } },
        {
          namespace: ns,
          pod: 'shell',
          command: ['cat', '/dev/zero'],
          stdout: out,
          signal: AbortSignal.timeout(30_000),
        },
      ).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StreamInterruptedError);
    } finally {
      await proxy.close();
    }
  });
});
