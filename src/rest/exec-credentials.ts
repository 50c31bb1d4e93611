// client.authentication.k8s.io exec credential plugins (v1 and v1beta1): run the configured
// command, read an ExecCredential from its stdout, cache it until it expires, refresh after a 401.
// The cache key is the whole exec config plus the cluster, so users and clusters never share.
// A run is bounded: time (killed after timeoutMs), stdout size (1 MiB); stderr is forwarded line by
// line to the global logger, and a run nobody waits for any more (all aborted) is killed.
import { globalLogger } from '../util/log/global.js';
import { ConfigError } from './errors.js';
import { protectSecrets } from './redact.js';

/** Longest stderr line of a plugin kept whole; a longer one is passed on in pieces of this size. */
const MAX_STDERR_LINE_CHARS = 16 * 1024;

/** Cuts a byte stream into lines (without their newline) for the logger. */
class LineSplitter {
  private partial = '';
  constructor(private readonly emit: (line: string) => void) {}
  push(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.emit(l.replace(/\r$/, ''));
    while (this.partial.length > MAX_STDERR_LINE_CHARS) {
      this.emit(this.partial.slice(0, MAX_STDERR_LINE_CHARS));
      this.partial = this.partial.slice(MAX_STDERR_LINE_CHARS);
    }
  }
  end(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = '';
  }
}

/** The exec section of a kubeconfig user. */
export interface ExecConfig {
  apiVersion: 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1' | string;
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  /** Shown when the command is missing. */
  installHint?: string;
  /** 'Never' | 'IfAvailable' | 'Always' (v1 requires it; default IfAvailable). */
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
  provideClusterInfo?: boolean;
  /**
   * kube-client only (not a kubeconfig field of client-go): the time limit of one run in ms;
   * default {@link EXEC_PLUGIN_TIMEOUT_MS}, or {@link EXEC_PLUGIN_INTERACTIVE_TIMEOUT_MS} when the
   * plugin may talk to a terminal. The plugin is killed when it runs longer.
   */
  timeoutMs?: number;
}

/** What an exec plugin returned. */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** Cluster facts passed to plugins that ask for them (provideClusterInfo). */
export interface ExecClusterInfo {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTLSVerify?: boolean;
}

interface Pending {
  run: PluginRun;
  /** Callers waiting for this run; at 0 after an abort the plugin is killed. */
  waiters: number;
}

interface CacheEntry {
  status?: ExecCredentialStatus;
  pending?: Pending;
}

const cache = new Map<string, CacheEntry>();

function cacheKey(exec: ExecConfig, cluster: ExecClusterInfo): string {
  return JSON.stringify([
    exec,
    cluster.server,
    cluster.certificateAuthorityData ?? '',
    cluster.insecureSkipTLSVerify ?? false,
  ]);
}

function expired(status: ExecCredentialStatus | undefined): boolean {
  if (!status) return true;
  if (!status.expirationTimestamp) return false;
  return Date.parse(status.expirationTimestamp) <= Date.now();
}

/** Default time limit of a plugin run when stdin is not a terminal (a kube-client limit; client-go has none). */
export const EXEC_PLUGIN_TIMEOUT_MS = 60_000;
/** Default time limit of an interactive plugin run (a person may be logging in). */
export const EXEC_PLUGIN_INTERACTIVE_TIMEOUT_MS = 5 * 60_000;
/** Most bytes a plugin may print on stdout (an ExecCredential is a few KiB); more ends the run. */
export const MAX_EXEC_PLUGIN_OUTPUT_BYTES = 1024 * 1024;

/** A started plugin run: its result, and a way to kill it. */
interface PluginRun {
  result: Promise<ExecCredentialStatus>;
  kill(why: string): void;
}

function runPlugin(exec: ExecConfig, cluster: ExecClusterInfo): PluginRun {
  const interactive = process.stdin.isTTY === true && exec.interactiveMode !== 'Never';
  const name = `exec plugin "${exec.command}"`;
  if (exec.interactiveMode === 'Always' && !process.stdin.isTTY) {
    return {
      result: Promise.reject(new ConfigError(`${name} needs an interactive terminal (interactiveMode: Always)`)),
      kill: () => {},
    };
  }
  const input = {
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec: { interactive, ...(exec.provideClusterInfo ? { cluster } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(input) };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  const timeoutMs =
    exec.timeoutMs && exec.timeoutMs > 0
      ? exec.timeoutMs
      : interactive
        ? EXEC_PLUGIN_INTERACTIVE_TIMEOUT_MS
        : EXEC_PLUGIN_TIMEOUT_MS;
  let kill: (why: string) => void = () => {};
  const result = new Promise<ExecCredentialStatus>((resolve, reject) => {
    // stderr is the plugin's way to talk to the user: forwarded line by line to the global logger
    // (stderr by default) as it comes (read at once, so a chatty plugin cannot fill the pipe and
    // block), as client-go hands it os.Stderr. Interactive plugins own the terminal's stderr.
    // node:child_process is loaded on the first run (an import-time cost most programs never need).
    const child = process.getBuiltinModule('node:child_process').spawn(exec.command, exec.args ?? [], {
      env,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', interactive ? 'inherit' : 'pipe'],
    });
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: Error | undefined, status?: ExecCredentialStatus) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(status!);
    };
    kill = (why: string) => {
      if (settled) return;
      child.kill('SIGKILL');
      // A grandchild may still hold the pipes open: stop reading them.
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle(new ConfigError(`${name} was killed: ${why}`));
    };
    const timer = setTimeout(() => kill(`it ran longer than ${timeoutMs} ms`), timeoutMs);
    const stderrLines = new LineSplitter((line) => globalLogger.warn(line, { plugin: exec.command }));
    child.stderr?.on('data', (d: Buffer) => stderrLines.push(d));
    child.stderr?.on('end', () => stderrLines.end());
    child.stdout?.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_EXEC_PLUGIN_OUTPUT_BYTES) {
        kill(`it printed more than ${MAX_EXEC_PLUGIN_OUTPUT_BYTES} bytes`);
        return;
      }
      chunks.push(d);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = exec.installHint ? `\n${exec.installHint}` : '';
      settle(
        new ConfigError(
          err.code === 'ENOENT'
            ? `exec plugin: executable "${exec.command}" not found${hint}`
            : `${name} could not be started: ${err.code ?? 'error'}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      // The plugin's output holds credentials: never quote it (nor any field of it) in errors.
      if (code !== 0) {
        settle(new ConfigError(`${name} exited with ${code === null ? `signal ${signal}` : `code ${code}`}`));
        return;
      }
      let parsed: { apiVersion?: unknown; kind?: unknown; status?: ExecCredentialStatus };
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        settle(new ConfigError(`${name} did not print an ExecCredential as JSON`));
        return;
      }
      if (parsed === null || typeof parsed !== 'object') {
        settle(new ConfigError(`${name} did not print an ExecCredential object`));
        return;
      }
      if (parsed.kind !== 'ExecCredential' || parsed.apiVersion !== exec.apiVersion) {
        settle(new ConfigError(`${name} did not return an ExecCredential of ${exec.apiVersion}`));
        return;
      }
      const status = parsed.status;
      const isText = (v: unknown) => v === undefined || typeof v === 'string';
      if (
        !status ||
        typeof status !== 'object' ||
        !isText(status.token) ||
        !isText(status.clientCertificateData) ||
        !isText(status.clientKeyData) ||
        !isText(status.expirationTimestamp) ||
        (!status.token && !(status.clientCertificateData && status.clientKeyData))
      ) {
        settle(new ConfigError(`${name} returned neither a token nor a client certificate and key`));
        return;
      }
      settle(undefined, protectSecrets({ ...status }));
    });
  });
  return { result, kill: (why) => kill(why) };
}

/** Waits for `run`, or rejects with the signal's reason when `signal` fires first. */
function raceSignal<T>(run: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return run;
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    run.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

/**
 * The current credentials of an exec plugin: cached until their expirationTimestamp; one run at a
 * time per key; `refresh` forces a new run (after a 401). A run is bounded in time
 * (`exec.timeoutMs`, default {@link EXEC_PLUGIN_TIMEOUT_MS}) and output; when every caller waiting
 * for it has aborted (`signal`), the plugin is killed.
 *
 * @example
 * const { token } = await execCredentials(config.execProvider, { server: config.host });
 */
export async function execCredentials(
  exec: ExecConfig,
  cluster: ExecClusterInfo,
  refresh = false,
  signal?: AbortSignal,
): Promise<ExecCredentialStatus> {
  const key = cacheKey(exec, cluster);
  let entry = cache.get(key);
  if (!entry) {
    entry = {};
    cache.set(key, entry);
  }
  if (!refresh && !expired(entry.status)) return entry.status!;
  const e = entry;
  if (!e.pending) {
    const run = runPlugin(exec, cluster);
    const pending: Pending = { run, waiters: 0 };
    e.pending = pending;
    run.result.then(
      (status) => {
        if (e.pending === pending) e.pending = undefined;
        e.status = status;
      },
      () => {
        if (e.pending === pending) e.pending = undefined;
      },
    );
  }
  const pending = e.pending;
  pending.waiters++;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    pending.waiters--;
  };
  try {
    return await raceSignal(pending.run.result, signal, () => {
      leave();
      // Nobody waits any more: stop the plugin (the next request starts a new run).
      if (pending.waiters === 0) pending.run.kill('every request waiting for it was aborted');
    });
  } finally {
    leave();
  }
}

/** Forgets all cached exec credentials (tests). */
export function clearExecCredentialCache(): void {
  cache.clear();
}
