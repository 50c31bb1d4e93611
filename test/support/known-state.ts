// The known state that fault tests start from and return to: kube-apiserver running and answering,
// and answering through the fault proxy too. A probe is one bounded GET with undici (no
// kube-client code involved), so a broken client cannot hide a broken server or the other way round.
import { Agent, request } from 'undici';

/** The server (directly or through a proxy) did not answer in time; `message` names what and why. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
}

/** How to reach a server for a probe. */
export interface ProbeTarget {
  /** Full URL of the GET, e.g. `https://127.0.0.1:6443/readyz` or `http://127.0.0.1:4000/api/v1/namespaces/x`. */
  url: string;
  /** Bearer token for the request. */
  token: string;
  /** PEM CA for https targets. */
  caData?: string;
}

/**
 * One GET of `target.url` bounded by `timeoutMs`: undefined when it answers 200, else what went wrong.
 *
 * @example
 * const problem = await probe({ url: `${proxy.url}/api/v1/namespaces/faults`, token });
 * if (problem) console.log(`not yet: ${problem}`);
 */
export async function probe(target: ProbeTarget, timeoutMs = 5000): Promise<string | undefined> {
  const agent = new Agent({ connect: target.caData ? { ca: target.caData } : {} });
  try {
    const res = await request(target.url, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${target.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump({ limit: 1 << 20 });
    return res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`;
  } catch (err) {
    const e = err as Error & { code?: string };
    return e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`;
  } finally {
    agent.destroy().catch(() => {});
  }
}

/**
 * Probes until `target` answers 200, for at most `withinMs`; throws a {@link NoAnswerError} naming
 * `what` and the last problem otherwise.
 *
 * @example
 * await waitForAnswer('kube-apiserver through the fault proxy', { url, token }, 60_000);
 */
export async function waitForAnswer(what: string, target: ProbeTarget, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const problem = await probe(target, Math.max(500, Math.min(5000, deadline - Date.now())));
    if (problem === undefined) return;
    if (Date.now() >= deadline) {
      throw new NoAnswerError(`${what} did not answer within ${Math.round(withinMs / 1000)} s (last: ${problem})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The part of envtest's ControlPlane that {@link ensureApiserver} needs. */
export interface RestartableServer {
  server: { url: string; caData: string; adminToken: string };
  restartApiserver(options?: { downMs?: number; kill?: boolean }): Promise<void>;
}

/**
 * Makes sure kube-apiserver answers `/readyz` directly: waits up to `graceMs` for it (it may be
 * starting), else restarts it (kill -9, same port and data) and waits for it again. Returns whether
 * it had to restart.
 *
 * @example
 * afterEach(async () => void (await ensureApiserver(cp)));
 */
export async function ensureApiserver(cp: RestartableServer, graceMs = 10_000): Promise<boolean> {
  const target = { url: `${cp.server.url}/readyz`, token: cp.server.adminToken, caData: cp.server.caData };
  try {
    await waitForAnswer('kube-apiserver', target, graceMs);
    return false;
  } catch {
    await cp.restartApiserver({ kill: true });
    await waitForAnswer('kube-apiserver after a restart', target, 60_000);
    return true;
  }
}
