// Long-running loops (informers, reflectors) usually share one stop signal, as client-go's share
// one stop channel: each keeps a few abort listeners on it for its whole life. Node warns
// (MaxListenersExceededWarning) past 10 listeners per signal, so each loop raises the signal's
// limit by what it holds while it runs; the warning still catches a real leak beyond that.
import { getMaxListeners, setMaxListeners } from 'node:events';

/**
 * Raises `signal`'s listener limit by `count` until the returned release function is called.
 *
 * @example
 * const release = holdAbortListeners(signal, 2);
 * try {
 *   await runLoop(signal); // adds up to 2 long-lived abort listeners
 * } finally {
 *   release();
 * }
 */
export function holdAbortListeners(signal: AbortSignal, count: number): () => void {
  const max = maxListeners(signal);
  if (max === 0 || !Number.isFinite(max)) return () => {};
  setMaxListeners(max + count, signal);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const now = maxListeners(signal);
    if (now !== 0 && Number.isFinite(now)) setMaxListeners(Math.max(0, now - count) || 1, signal);
  };
}

/** The signal's limit; 0 (unlimited) too, for which Node 20's getMaxListeners throws on an EventTarget. */
function maxListeners(signal: AbortSignal): number {
  try {
    return getMaxListeners(signal);
  } catch {
    return 0;
  }
}
