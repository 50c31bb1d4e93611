// etcd's v3 JSON gateway, for tests that need a compaction (and so 410 Gone from kube-apiserver):
// etcd serves it itself on its client URL (`POST /v3/...`, since v3.4), so no etcdctl is needed.
// Two calls: the current revision (`/v3/maintenance/status`) and a compaction (`/v3/kv/compaction`).
// int64 fields travel as JSON strings there; errors come back as `{"error", "code"}` with HTTP 4xx/5xx.
import { request } from 'undici';

/** A failed gateway call: unreachable etcd, a timeout, an HTTP error or an answer we cannot read. */
export class EtcdGatewayError extends Error {
  override readonly name = 'EtcdGatewayError';
  /**
   * @param status HTTP status when etcd answered, undefined when it did not.
   * @example
   * try { await etcdRevision(url); } catch (e) { if (e instanceof EtcdGatewayError) console.log(e.status); }
   */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Options of the gateway calls. */
export interface EtcdGatewayOptions {
  /** Bound on the whole call (connect, headers and body). Default 10 s. */
  timeoutMs?: number;
}

const MAX_BODY = 64 * 1024;

/** POSTs `body` as JSON to `<etcdUrl>/v3/<path>` and returns the parsed answer (bounded size and time). */
async function call(etcdUrl: string, path: string, body: unknown, options: EtcdGatewayOptions): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = `${etcdUrl.replace(/\/+$/, '')}/v3/${path}`;
  let status: number | undefined;
  let text = '';
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    for await (const chunk of res.body) {
      text += (chunk as Buffer).toString();
      if (text.length > MAX_BODY) {
        res.body.destroy();
        throw new EtcdGatewayError(`etcd ${path}: answer longer than ${MAX_BODY} bytes`, status);
      }
    }
  } catch (err) {
    if (err instanceof EtcdGatewayError) throw err;
    const e = err as Error & { code?: string };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`;
    throw new EtcdGatewayError(`etcd ${path} at ${url}: ${why}`, status);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EtcdGatewayError(
      `etcd ${path}: HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`,
      status,
    );
  }
  if (status !== 200) {
    const message = (parsed as { message?: unknown; error?: unknown }).message ?? (parsed as { error?: unknown }).error;
    throw new EtcdGatewayError(`etcd ${path}: HTTP ${status}: ${String(message ?? text.slice(0, 200))}`, status);
  }
  return parsed;
}

/**
 * The current revision of etcd's key space (what `etcdctl endpoint status` shows as revision).
 *
 * @example
 * const rev = await etcdRevision(cp.server.etcdUrl); // e.g. 1523
 */
export async function etcdRevision(etcdUrl: string, options: EtcdGatewayOptions = {}): Promise<number> {
  const answer = (await call(etcdUrl, 'maintenance/status', {}, options)) as { header?: { revision?: unknown } };
  const raw = answer?.header?.revision;
  const revision = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isSafeInteger(revision) || revision < 1) {
    throw new EtcdGatewayError(`etcd maintenance/status: no usable header.revision in ${JSON.stringify(answer)}`, 200);
  }
  return revision;
}

/**
 * Compacts etcd's history up to `revision` (like `etcdctl compact <revision>`): watches and
 * continue tokens from before it then get 410 Gone from a kube-apiserver without watch cache.
 * Fails with etcd's own message when `revision` is already compacted or in the future.
 *
 * @example
 * await compactEtcd(cp.server.etcdUrl, await etcdRevision(cp.server.etcdUrl));
 */
export async function compactEtcd(etcdUrl: string, revision: number, options: EtcdGatewayOptions = {}): Promise<void> {
  if (!Number.isSafeInteger(revision) || revision < 1) {
    throw new EtcdGatewayError(`compactEtcd: revision must be a positive integer, got ${revision}`);
  }
  await call(etcdUrl, 'kv/compaction', { revision: String(revision) }, options);
}

/**
 * Compacts etcd at its current revision and returns that revision: every older resourceVersion is gone.
 *
 * @example
 * const rev = await compactEtcdNow(controlPlane.etcdUrl);
 */
export async function compactEtcdNow(etcdUrl: string, options: EtcdGatewayOptions = {}): Promise<number> {
  const revision = await etcdRevision(etcdUrl, options);
  await compactEtcd(etcdUrl, revision, options);
  return revision;
}
