// The `kube-client` command line (src/cli/main.ts, run by bin/kube-client.js): help, usage errors,
// provisioning and start failures, and the up → Ctrl-C → stopped flow with a stubbed control plane.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import {
  type ControlPlane,
  type ControlPlaneOptions,
  ControlPlaneStartError,
  startControlPlane,
} from '../../../src/envtest/index.js';
import { captureOutput as capture, expectBuilt, runCaptured, runNode } from '../../support/cli.js';

// The starter never starts anything by default; the provisioning tests hand a call to the real one
// (it fails before anything is started) and the others give it a fake control plane.
vi.mock('../../../src/envtest/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/envtest/index.js')>();
  return {
    ...real,
    startControlPlane: vi.fn(async () => {
      throw new Error('test bug: this would start a real control plane');
    }),
  };
});
const start = vi.mocked(startControlPlane);
const { startControlPlane: realStart } = await vi.importActual<typeof import('../../../src/envtest/index.js')>(
  '../../../src/envtest/index.js',
);

const USAGE_HINT = 'Run "kube-client --help" for usage.\n';

/** Runs the CLI in-process with stdout and stderr captured. */
const run = (argv: string[]) => runCaptured(() => main(argv));

/** Keeps the CLI's SIGINT/SIGTERM listeners off the test process so a test can "press Ctrl-C". */
function catchSignals() {
  const handlers = new Map<string, () => void>();
  const once = process.once.bind(process);
  const spy = vi.spyOn(process, 'once').mockImplementation(((event: string | symbol, listener: () => void) => {
    if (event === 'SIGINT' || event === 'SIGTERM') {
      handlers.set(event, listener);
      return process;
    }
    return once(event, listener);
  }) as typeof process.once);
  return { handlers, restore: () => spy.mockRestore() };
}

/** A control plane as startControlPlane resolves it, without any process behind it. */
function fakeControlPlane(stop: () => Promise<void> = async () => {}): ControlPlane {
  return {
    kubeconfigPath: '/tmp/kube-client-envtest-x/kubeconfig',
    server: {
      version: 'v1.20.2',
      url: 'https://127.0.0.1:40001',
      etcdUrl: 'http://127.0.0.1:40002',
      apiserverLog: '/tmp/kube-client-envtest-x/kube-apiserver.log',
      contexts: { admin: 'envtest', adminCert: 'envtest-cert', user: 'envtest-user' },
    },
    stop: vi.fn(stop),
  } as unknown as ControlPlane;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-client-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Block bodies: a hook that returns a function would have vitest call it as a teardown.
beforeEach(() => {
  start.mockClear();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('kube-client help', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['help', 'envtest']],
    [['envtest', 'up', '--help']],
    [['start', '-h']],
    [['envtest', '--help']],
  ])('%j prints the commands and options on stdout, exit 0, nothing started', async (argv) => {
    const r = await run(argv);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: kube-client <command>\n/);
    expect(r.stdout).toContain('\n  envtest up [--node] [--no-watch-cache]\n');
    expect(r.stdout).toContain('Start a local etcd + kube-apiserver (v1.20.2)');
    expect(r.stdout).toContain('--node also starts a real node');
    expect(r.stdout).toContain('\n  start [--node] [--no-watch-cache]\n');
    expect(r.stdout).toContain('\n  help, --help, -h                Show this help.');
    expect(start).not.toHaveBeenCalled();
  });
});

describe('kube-client usage errors', () => {
  it.each([
    [[], 'missing command (envtest up, start or help)'],
    [['envtest'], '"envtest" needs a subcommand: envtest up'],
    [['envtest', '--no-watch-cache'], '"envtest" needs a subcommand: envtest up'],
    [['envtest', 'down'], 'unknown envtest subcommand "down" (the only one is "up")'],
    [['stop'], 'unknown command "stop"'],
    [['Envtest', 'up'], 'unknown command "Envtest"'],
    [['--version'], 'unknown option "--version"; give a command first'],
    [['envtest', 'up', '--bogus'], 'unknown option "--bogus" for "envtest up"'],
    [['envtest', 'up', '--port=6443'], 'unknown option "--port" for "envtest up"'],
    [['envtest', 'up', '--port', '6443'], 'unknown option "--port" for "envtest up"'],
    [['envtest', 'up', '-v'], 'unknown option "-v" for "envtest up"'],
    [['envtest', 'up', '--no-watch-cache', 'now'], 'unexpected argument "now" after "envtest up"'],
    [['envtest', 'up', '--no-watch-cache=false'], '--no-watch-cache takes no value'],
    [['envtest', 'up', '--node=yes'], '--node takes no value'],
    [['start', '--bogus'], 'unknown option "--bogus" for "start"'],
    [['start', 'envtest'], 'unexpected argument "envtest" after "start"'],
  ])('%j: one-line error "%s" with a usage hint, exit 2, nothing started', async (argv, problem) => {
    const r = await run(argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `kube-client: ${problem}.\n${USAGE_HINT}` });
    expect(start).not.toHaveBeenCalled();
  });
});

describe('kube-client envtest up: provisioning and start failures', () => {
  it.each([
    ['KUBE_APISERVER_BIN', 'a missing file', 'missing-apiserver'],
    ['KUBE_APISERVER_BIN', 'a file that is not executable', 'not-executable'],
    ['KUBE_APISERVER_BIN', 'a folder', 'a-folder'],
    ['ETCD_BIN', 'a missing file', 'missing-etcd'],
  ])('%s pointing to %s: the ProvisioningError in one line, no stack trace, exit 1', async (variable, _what, name) => {
    const path = join(dir, name);
    if (name === 'not-executable') {
      writeFileSync(path, '#!/bin/sh\n');
      chmodSync(path, 0o644);
    }
    if (name === 'a-folder') mkdirSync(path, { recursive: true });
    // The other binary is an executable file, so only the variable under test can fail.
    vi.stubEnv('KUBE_APISERVER_BIN', process.execPath);
    vi.stubEnv('ETCD_BIN', process.execPath);
    vi.stubEnv(variable, path);
    start.mockImplementationOnce(realStart);
    const r = await run(['envtest', 'up']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `kube-client: ${variable} is set to "${path}", which is not an executable file.\n`,
    });
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('a control plane that does not come up: the reason and the log tail, no stack trace, exit 1', async () => {
    start.mockRejectedValueOnce(
      new ControlPlaneStartError('kube-apiserver exited with code 1 before it was ready', 'E1123 bad flag'),
    );
    const r = await run(['start']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'kube-client: kube-apiserver exited with code 1 before it was ready\n--- last log lines ---\nE1123 bad flag\n',
    });
  });

  it('a thrown value that is not an Error still gives a readable line, exit 1', async () => {
    start.mockRejectedValueOnce('disk full');
    expect(await run(['envtest', 'up'])).toEqual({ code: 1, stdout: '', stderr: 'kube-client: disk full\n' });
  });
});

describe('kube-client envtest up: up until Ctrl-C, then stopped', () => {
  it.each([
    [['envtest', 'up'], true, 'SIGINT'],
    [['envtest', 'up', '--no-watch-cache'], false, 'SIGINT'],
    [['start'], true, 'SIGTERM'],
    [['start', '--no-watch-cache', '--no-watch-cache'], false, 'SIGINT'],
  ])('%j: watchCache %s, prints how to use it, stops on %s, exit 0', async (argv, watchCache, signal) => {
    const cp = fakeControlPlane();
    start.mockImplementationOnce(async (options?: ControlPlaneOptions) => {
      options?.log?.('envtest: starting etcd and kube-apiserver');
      return cp;
    });
    const signals = catchSignals();
    const { io, restore } = capture();
    try {
      const exited = main(argv);
      await vi.waitFor(() => expect(signals.handlers.has(signal)).toBe(true));
      expect(start).toHaveBeenCalledWith(expect.objectContaining({ watchCache }));
      expect(io.stderr).toBe('envtest: starting etcd and kube-apiserver\n');
      expect(io.stdout).toContain('Local control plane is up: kube-apiserver v1.20.2 at https://127.0.0.1:40001\n');
      expect(io.stdout).toContain('  kubeconfig:  /tmp/kube-client-envtest-x/kubeconfig\n');
      expect(io.stdout).toContain('  export KUBECONFIG=/tmp/kube-client-envtest-x/kubeconfig\n');
      expect(io.stdout).toContain('  kubectl --context envtest-user get secrets -A');
      expect(io.stdout).toMatch(/Press Ctrl-C to stop it .*\n$/);
      expect(cp.stop).not.toHaveBeenCalled();

      signals.handlers.get(signal)!();
      expect(await exited).toBe(0);
      expect(cp.stop).toHaveBeenCalledTimes(1);
      expect(io.stderr).toContain(
        `\n${signal} received: stopping the control plane...\nControl plane stopped; temp dirs removed.\n`,
      );
    } finally {
      restore();
      signals.restore();
    }
  });

  it('a failing stop is reported in one line, exit 1', async () => {
    start.mockResolvedValueOnce(
      fakeControlPlane(async () => {
        throw new Error('could not remove /tmp/kube-client-envtest-x: EBUSY');
      }),
    );
    const signals = catchSignals();
    const { io, restore } = capture();
    try {
      const exited = main(['envtest', 'up']);
      await vi.waitFor(() => expect(signals.handlers.has('SIGINT')).toBe(true));
      signals.handlers.get('SIGINT')!();
      expect(await exited).toBe(1);
      expect(io.stderr).toBe(
        '\nSIGINT received: stopping the control plane...\nkube-client: could not remove /tmp/kube-client-envtest-x: EBUSY\n',
      );
    } finally {
      restore();
      signals.restore();
    }
  });
});

describe('bin/kube-client.js', () => {
  const node = runNode;
  const built = () => expectBuilt('dist/esm/cli/main.js');

  it('runs the built CLI: --help exits 0 with the usage on stdout', async () => {
    built();
    const r = await node('bin/kube-client.js', ['--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: kube-client <command>\n/);
  });

  it('passes a usage error on as exit code 2 with the message on stderr', async () => {
    built();
    const r = await node('bin/kube-client.js', ['bogus']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^kube-client: unknown command "bogus"\.\n/);
  });

  it('says to build the package first when dist is missing, exit 1', async () => {
    const bin = join(dir, 'unbuilt', 'bin', 'kube-client.js');
    mkdirSync(join(dir, 'unbuilt', 'bin'), { recursive: true });
    copyFileSync('bin/kube-client.js', bin);
    writeFileSync(join(dir, 'unbuilt', 'package.json'), '{"type":"module"}');
    const r = await node(bin, ['--help']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'kube-client: the package is not built yet; run "npm run build" in its folder first.\n',
    });
  });
});
