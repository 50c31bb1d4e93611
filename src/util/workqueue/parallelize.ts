// parallelizeUntil: run N pieces of work with at most `workers` at a time, stopping early when the
// signal aborts.

/**
 * Runs `doWorkPiece(i)` for i in [0, pieces) on up to `workers` concurrent workers.
 *
 * @example
 * await parallelizeUntil(signal, 4, items.length, async (i) => process(items[i]));
 */
export async function parallelizeUntil(
  signal: AbortSignal | undefined,
  workers: number,
  pieces: number,
  doWorkPiece: (piece: number) => Promise<void> | void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < pieces && !signal?.aborted) await doWorkPiece(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, pieces)) }, worker));
}
