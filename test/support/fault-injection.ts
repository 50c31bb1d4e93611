// One fault injection with a deadline and a revocable set of tools, so that a fault that fails
// (or hangs) cannot leave anything behind for the next one. The injection only reaches the proxy,
// kube-apiserver and etcd through the tools it is given; once it ends, whichever way, the tools are
// revoked (a late call throws instead of acting), the proxy is reset to `pass`, and restarts of
// kube-apiserver still under way are awaited, so no restart races the next fault's own checks.
import { compactEtcdNow } from './etcd-gateway.js';
import type { FaultProxy } from './fault-proxy.js';

/** The injection did not finish within its deadline. */
export class InjectionTimeoutError extends Error {
  override readonly name = 'InjectionTimeoutError';
}

/** A tool was used after its injection had ended (for example by a sleep that outlived a timeout). */
export class InjectionRevokedError extends Error {
  override readonly name = 'InjectionRevokedError';
}

/** What an injection may do; every call fails once the injection has ended. */
export interface InjectionTools {
  /** The proxy's fault controls. */
  proxy: Pick<FaultProxy, 'setMode' | 'cutAll' | 'cutWatchesMidEvent' | 'stall'>;
  /** Stops kube-apiserver (SIGTERM, or SIGKILL with `kill`), waits `downMs` and starts it again. */
  restartApiserver(options?: { downMs?: number; kill?: boolean }): Promise<void>;
  /** Compacts etcd at its current revision (through its v3 JSON gateway); returns that revision. */
  compactEtcd(): Promise<number>;
  /** Waits `ms`; rejects as soon as the injection is cut short. */
  sleep(ms: number): Promise<void>;
  /** Aborted when the injection ends or its deadline passes. */
  signal: AbortSignal;
}

/** A fault: what it does to the path between the informers and the server. */
export type Inject = (tools: InjectionTools) => Promise<void>;

/** What the tools act on. */
export interface InjectionTargets {
  proxy: Pick<FaultProxy, 'setMode' | 'cutAll' | 'cutWatchesMidEvent' | 'stall' | 'reset'>;
  restartApiserver(options?: { downMs?: number; kill?: boolean }): Promise<void>;
  /** etcd's client URL, e.g. `http://127.0.0.1:2379`. */
  etcdUrl: string;
}

/** Options of {@link runInjection}. */
export interface InjectionOptions {
  /** Deadline of the injection (default 120 s). */
  timeoutMs?: number;
  /** How long to wait, after the end, for kube-apiserver restarts still under way (default 150 s). */
  restartGraceMs?: number;
}

/**
 * Runs `inject` against `targets` with a deadline. Resolves when it finished in time; otherwise
 * rejects with its own error (or an {@link InjectionTimeoutError}). Either way, before it settles,
 * the tools are revoked, the proxy is reset and pending kube-apiserver restarts have ended.
 *
 * @example
 * await runInjection(async (t) => {
 *   t.proxy.setMode('down');
 *   await t.sleep(3000);
 *   await t.compactEtcd();
 * }, { proxy, restartApiserver: (o) => cp.restartApiserver(o), etcdUrl: cp.server.etcdUrl });
 */
export async function runInjection(
  inject: Inject,
  targets: InjectionTargets,
  options: InjectionOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const ac = new AbortController();
  const { signal } = ac;
  const pending = new Set<Promise<unknown>>();
  const live = () => {
    if (signal.aborted) {
      throw new InjectionRevokedError('a fault tool was used after its injection had ended');
    }
  };
  const guard =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      live();
      return f(...args);
    };
  // The same for tools that return a promise: a late call rejects instead of throwing.
  const guardAsync =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      live();
      return f(...args);
    };
  const tools: InjectionTools = {
    proxy: {
      setMode: guard((m) => targets.proxy.setMode(m)),
      cutAll: guard(() => targets.proxy.cutAll()),
      cutWatchesMidEvent: guard(() => targets.proxy.cutWatchesMidEvent()),
      stall: guardAsync((ms: number) => targets.proxy.stall(ms)),
    },
    restartApiserver: guardAsync((o?: { downMs?: number; kill?: boolean }) => {
      const p = targets.restartApiserver(o);
      pending.add(p);
      void p.then(
        () => pending.delete(p),
        () => pending.delete(p),
      );
      return p;
    }),
    compactEtcd: guardAsync(() => compactEtcdNow(targets.etcdUrl, { timeoutMs: 10_000 })),
    sleep: guardAsync(
      (ms: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }, ms);
          const onAbort = () => {
            clearTimeout(timer);
            reject(new InjectionRevokedError('the injection ended during a sleep'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }),
    ),
    signal,
  };

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InjectionTimeoutError(`the injection did not finish within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  const running = (async () => inject(tools))();
  // Whatever the injection does after losing the race is revoked; its late rejection is expected.
  running.catch(() => {});
  try {
    await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
    ac.abort();
    targets.proxy.reset();
    await settlePending(pending, options.restartGraceMs ?? 150_000);
  }
}

/** Waits for the pending restarts (their errors are the injection's business), at most `graceMs`. */
async function settlePending(pending: Set<Promise<unknown>>, graceMs: number): Promise<void> {
  if (pending.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...pending]),
    new Promise((r) => {
      timer = setTimeout(r, graceMs);
    }),
  ]);
  clearTimeout(timer);
}
