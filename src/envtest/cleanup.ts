// Makes sure control planes never outlive their process: on exit they are killed synchronously, and
// on SIGINT/SIGTERM they are stopped (processes killed, temp dirs removed) before the process ends.
import { rmSync } from 'node:fs';

/** What the cleanup registry needs of a running control plane. */
export interface Cleanable {
  /** Graceful stop (async). */
  stop(): Promise<void>;
  /** Immediate, synchronous kill and removal of temp dirs (for the 'exit' event). */
  killNowSync(): void;
}

const live = new Set<Cleanable>();
let installed = false;

function onExit(): void {
  for (const cp of live) cp.killNowSync();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Others may also handle this signal (a test runner, the user's program): then they decide how to
  // end the process. Counted now, before one-shot listeners remove themselves.
  const othersListen = process.listenerCount(signal) > 1;
  const all = [...live];
  live.clear();
  void Promise.allSettled(all.map((cp) => cp.stop())).then(() => {
    if (!othersListen) process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/**
 * Registers a running control plane for cleanup on exit and on SIGINT/SIGTERM.
 *
 * @example
 * registerForCleanup(cp); // later: unregisterFromCleanup(cp)
 */
export function registerForCleanup(cp: Cleanable): void {
  live.add(cp);
  if (installed) return;
  installed = true;
  process.once('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Removes a stopped control plane from the cleanup registry (and the handlers when none is left). */
export function unregisterFromCleanup(cp: Cleanable): void {
  live.delete(cp);
  if (live.size === 0 && installed) {
    installed = false;
    process.removeListener('exit', onExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Removes folders synchronously, ignoring errors (for exit handlers). */
export function removeDirsSync(dirs: string[]): void {
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort while exiting
    }
  }
}
