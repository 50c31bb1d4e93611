// client.authentication.k8s.io exec credential plugins (v1 and v1beta1): run the configured
// command, read an ExecCredential from its stdout, cache it until it expires, refresh after a 401.
// The cache key is the whole exec config plus the cluster, so users and clusters never share.
import { spawn } from 'node:child_process';
import { ConfigError } from './errors.js';

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

interface CacheEntry {
  status?: ExecCredentialStatus;
  pending?: Promise<ExecCredentialStatus>;
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

function runPlugin(exec: ExecConfig, cluster: ExecClusterInfo): Promise<ExecCredentialStatus> {
  const interactive = process.stdin.isTTY === true && exec.interactiveMode !== 'Never';
  if (exec.interactiveMode === 'Always' && !process.stdin.isTTY) {
    return Promise.reject(
      new ConfigError(`exec plugin "${exec.command}" needs an interactive terminal (interactiveMode: Always)`),
    );
  }
  const input = {
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec: { interactive, ...(exec.provideClusterInfo ? { cluster } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(input) };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command, exec.args ?? [], {
      env,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', interactive ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = exec.installHint ? `\n${exec.installHint}` : '';
      reject(
        new ConfigError(
          err.code === 'ENOENT'
            ? `exec plugin: executable "${exec.command}" not found${hint}`
            : `exec plugin "${exec.command}" could not be started: ${err.code ?? err.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      // The plugin's output holds credentials: never quote it in errors.
      if (code !== 0) {
        reject(new ConfigError(`exec plugin "${exec.command}" exited with code ${code}`));
        return;
      }
      let parsed: { apiVersion?: string; kind?: string; status?: ExecCredentialStatus };
      try {
        parsed = JSON.parse(stdout);
      } catch {
        reject(new ConfigError(`exec plugin "${exec.command}" did not print an ExecCredential as JSON`));
        return;
      }
      if (parsed.kind !== 'ExecCredential' || parsed.apiVersion !== exec.apiVersion) {
        reject(
          new ConfigError(
            `exec plugin "${exec.command}" returned kind ${JSON.stringify(parsed.kind)}, apiVersion ${JSON.stringify(parsed.apiVersion)}; expected ExecCredential ${exec.apiVersion}`,
          ),
        );
        return;
      }
      const status = parsed.status;
      if (!status || (!status.token && !(status.clientCertificateData && status.clientKeyData))) {
        reject(
          new ConfigError(`exec plugin "${exec.command}" returned neither a token nor a client certificate and key`),
        );
        return;
      }
      resolve(status);
    });
  });
}

/**
 * The current credentials of an exec plugin: cached until their expirationTimestamp; one run at a
 * time per key; `refresh` forces a new run (after a 401).
 *
 * @example
 * const { token } = await execCredentials(config.execProvider, { server: config.host });
 */
export async function execCredentials(
  exec: ExecConfig,
  cluster: ExecClusterInfo,
  refresh = false,
): Promise<ExecCredentialStatus> {
  const key = cacheKey(exec, cluster);
  let entry = cache.get(key);
  if (!entry) {
    entry = {};
    cache.set(key, entry);
  }
  if (!refresh && !expired(entry.status)) return entry.status!;
  if (entry.pending) return entry.pending;
  const e = entry;
  e.pending = runPlugin(exec, cluster).finally(() => {
    e.pending = undefined;
  });
  e.status = await e.pending;
  return e.status;
}

/** Forgets all cached exec credentials (tests). */
export function clearExecCredentialCache(): void {
  cache.clear();
}
