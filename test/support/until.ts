// Polling until a condition holds, for tests that wait on asynchronous work they cannot await
// directly (an informer's cache, a server's state). Fails with a plain error after the timeout.

/**
 * Resolves once `cond` is true (it may be async), checking every `intervalMs`; rejects with
 * "condition not met in time" after `timeoutMs`.
 *
 * @example
 * await until(() => informer.hasSynced(), { timeoutMs: 30_000 });
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
