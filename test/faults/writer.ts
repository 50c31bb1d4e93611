// A continuous writer for the fault suite: creates, updates and deletes ConfigMaps among a fixed set
// of names at a steady pace, straight to kube-apiserver (not through the fault proxy), tolerating
// the outages the faults cause.
import type { Clientset } from '../../src/kubernetes/index.js';

/** A running writer; `stop()` resolves when in-flight writes are done. */
export interface Writer {
  stop(): Promise<{ ops: number; failed: number }>;
}

/** Starts `workers` loops of one write every `pauseMs` over `names` ConfigMap names in `ns`. */
export function startWriter(
  cs: Clientset,
  ns: string,
  { names = 1000, workers = 4, pauseMs = 25 }: { names?: number; workers?: number; pauseMs?: number } = {},
): Writer {
  const client = cs.coreV1.configMaps(ns);
  const exists = new Map<number, boolean>();
  let stopped = false;
  let ops = 0;
  let failed = 0;
  let seq = 0;
  const loop = async () => {
    while (!stopped) {
      const i = Math.floor(Math.random() * names);
      const name = `cm-${i}`;
      try {
        if (exists.get(i) === false) {
          exists.set(i, true);
          await client.create({ metadata: { name }, data: { seq: String(seq++) } });
        } else if (Math.random() < 0.75) {
          await client.patch(name, 'application/merge-patch+json', { data: { seq: String(seq++) } });
          exists.set(i, true);
        } else {
          exists.set(i, false);
          await client.delete(name);
        }
        ops++;
      } catch (err) {
        failed++;
        const code = (err as { code?: number }).code;
        if (code === 404) exists.set(i, false);
        if (code === 409) exists.set(i, true);
        if (code !== 404 && code !== 409) await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const running = Array.from({ length: workers }, loop);
  return {
    async stop() {
      stopped = true;
      await Promise.all(running);
      return { ops, failed };
    },
  };
}
