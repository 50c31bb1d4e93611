// Per-host backoff for the REST client (client-go's URLBackoff / BackoffManager): after a server
// error or a failed connection to a host, later requests to that host wait exponentially longer;
// a success resets it. Off by default, as in client-go.

/** Decides how long requests to a URL wait first, and learns from their outcome. */
export interface URLBackoffManager {
  /** Milliseconds to wait before sending to this URL. */
  calculateBackoff(url: URL): number;
  /** Records the outcome: an HTTP status (0 when no answer came). */
  updateBackoff(url: URL, status: number): void;
}

/** No backoff (the default). */
export const noURLBackoff: URLBackoffManager = { calculateBackoff: () => 0, updateBackoff: () => {} };

/**
 * Exponential per-host backoff from `baseMs` to `maxMs` on status 0 (no answer) and 5xx; any
 * other status resets the host.
 *
 * @example
 * const config = { host, urlBackoff: newURLBackoff(1000, 30_000) };
 */
export function newURLBackoff(baseMs: number, maxMs: number): URLBackoffManager {
  const hosts = new Map<string, number>();
  return {
    calculateBackoff: (url) => hosts.get(url.host) ?? 0,
    updateBackoff: (url, status) => {
      if (status === 0 || (status >= 500 && status <= 599)) {
        const current = hosts.get(url.host) ?? 0;
        hosts.set(url.host, Math.min(maxMs, current === 0 ? baseMs : current * 2));
      } else {
        hosts.delete(url.host);
      }
    },
  };
}
