// `kubectl cp` in both directions: tar over exec. Into a pod: pack the local file or tree under
// the destination's name and unpack it with `tar -xmf - -C <dir>` (into `<dest>/<name>` when the
// destination is a folder there). Out of a pod: `tar cf - <path>` and unpack locally with kubectl's
// path rules.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../rest/config.js';
import type { WebSocketDialer } from '../../rest/websocket.js';
import { webSocketDialerFor } from '../../rest/websocket.js';
import { CodeExitError } from '../remotecommand/errors.js';
import { type PodTarget, podSubresourceUrl } from '../remotecommand/exec.js';
import { WebSocketExecutor } from '../remotecommand/executor.js';
import { protocolFeatures } from '../remotecommand/protocol.js';
import { packLocal, type UnpackResult, unpackInto } from './tar.js';

/** A failed copy: the pod's tar (or test) said why on stderr. */
export class CopyError extends Error {
  override readonly name = 'CopyError';
}

/** Options of both directions. */
export interface CopyOptions extends PodTarget {
  signal?: AbortSignal;
  /** Warnings about skipped entries (default: none printed; see the result's `skipped`). */
  onWarning?: (line: string) => void;
}

interface RunResult {
  exitCode: number;
  protocol: string;
  stderr: string;
}

/** One exec with a recording dialer (to learn the negotiated protocol), non-zero exits returned. */
async function run(
  config: Config,
  dial: WebSocketDialer,
  options: CopyOptions,
  command: string[],
  io: { stdin?: Readable; stdout?: Writable },
): Promise<RunResult> {
  let protocol = '';
  const recording: WebSocketDialer = async (url, o) => {
    const d = await dial(url, o);
    protocol = d.protocol;
    return d;
  };
  const url = podSubresourceUrl(config, options.namespace, options.pod, 'exec', {
    command,
    container: options.container,
    stdin: Boolean(io.stdin),
    stdout: true,
    stderr: true,
  });
  const errs: Buffer[] = [];
  const stderr = new Writable({
    write(c: Buffer, _e, cb) {
      if (errs.length < 64) errs.push(c);
      cb();
    },
  });
  const stdout = io.stdout ?? new Writable({ write: (_c, _e, cb) => cb() });
  try {
    await new WebSocketExecutor(config, url, undefined, recording).stream({
      stdin: io.stdin,
      stdout,
      stderr,
      signal: options.signal,
    });
    return { exitCode: 0, protocol, stderr: Buffer.concat(errs).toString('utf8') };
  } catch (err) {
    if (err instanceof CodeExitError)
      return { exitCode: err.exitCode, protocol, stderr: Buffer.concat(errs).toString('utf8') };
    throw err;
  }
}

/** What copyToPod did. */
export interface CopyToPodResult {
  /** The path it was written to in the pod. */
  remotePath: string;
}

/**
 * Copies a local file or folder into a container (`kubectl cp <local> <pod>:<remote>`): the
 * container needs `tar`; when `remotePath` is a folder there, the copy goes inside it under the
 * local name. Servers without the v5 protocol cannot be told where stdin ends, so there the
 * archive is staged in a temporary file and sent to `sh -c 'head -c <size> | tar ...'` (needs
 * `sh` and `head`, as busybox has; tar alone would wait for the end of stdin forever).
 *
 * @example
 * await copyToPod(config, { namespace: 'ns', pod: 'web', localPath: './site', remotePath: '/usr/share/www' });
 */
export async function copyToPod(
  config: Config,
  options: CopyOptions & { localPath: string; remotePath: string },
): Promise<CopyToPodResult> {
  try {
    await stat(options.localPath);
  } catch {
    throw new CopyError(`${options.localPath} doesn't exist in local filesystem`);
  }
  const dial = webSocketDialerFor(config);
  let dest = posix.normalize(options.remotePath || '.');
  if (dest.length > 1) dest = dest.replace(/\/+$/, '');
  const probe = await run(config, dial, options, ['test', '-d', dest], {});
  if (probe.exitCode === 0) dest = posix.join(dest, basename(options.localPath.replace(/[/\\]+$/, '')) || '.');
  const dir = posix.dirname(dest);
  const name = posix.basename(dest);
  const tar = ['tar', '-xmf', '-', ...(dir ? ['-C', dir] : [])];
  if (protocolFeatures(probe.protocol).closeSignal) {
    const r = await run(config, dial, options, tar, { stdin: packLocal(options.localPath, name) });
    if (r.exitCode !== 0) throw new CopyError(`tar in the pod failed with exit code ${r.exitCode}: ${r.stderr.trim()}`);
    return { remotePath: dest };
  }
  const staging = await mkdtemp(join(tmpdir(), 'kube-client-cp-'));
  try {
    const file = join(staging, 'archive.tar');
    await pipeline(packLocal(options.localPath, name), createWriteStream(file));
    const { size } = await stat(file);
    const command = ['sh', '-c', `head -c ${size} | tar -xmf - -C "$0"`, dir || '.'];
    const r = await run(config, dial, options, command, { stdin: createReadStream(file) });
    if (r.exitCode !== 0) throw new CopyError(`tar in the pod failed with exit code ${r.exitCode}: ${r.stderr.trim()}`);
    return { remotePath: dest };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Copies a file or folder out of a container (`kubectl cp <pod>:<remote> <local>`): runs
 * `tar cf - <remote>` there and unpacks it into `localPath` (a folder's contents go into
 * `localPath`; a file becomes `localPath`). Entries escaping `localPath` and links are skipped
 * (see `skipped`), as kubectl does.
 *
 * @example
 * const { files, skipped } = await copyFromPod(config, { namespace: 'ns', pod: 'web', remotePath: '/var/log/app', localPath: './logs' });
 */
export async function copyFromPod(
  config: Config,
  options: CopyOptions & { remotePath: string; localPath: string },
): Promise<UnpackResult> {
  const dial = webSocketDialerFor(config);
  const archive = new PassThrough();
  // A refused archive stops the tar in the pod too (its output would wait for a reader forever).
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const unpacking = unpackInto(archive, options.remotePath, options.localPath, options.onWarning);
  unpacking.catch(() => stop.abort(new Error('the archive was refused')));
  let r: RunResult;
  try {
    r = await run(config, dial, { ...options, signal }, ['tar', 'cf', '-', options.remotePath], { stdout: archive });
  } catch (err) {
    archive.destroy(err as Error);
    if (stop.signal.aborted) await unpacking; // rejects with why the archive was refused
    throw err;
  }
  archive.end();
  if (r.exitCode !== 0) {
    await unpacking.catch(() => undefined);
    throw new CopyError(`tar in the pod failed with exit code ${r.exitCode}: ${r.stderr.trim()}`);
  }
  return unpacking;
}
