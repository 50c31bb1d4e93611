// Example: record core/v1 Events about an object (what `kubectl describe` and `kubectl get events`
// show), with the broadcaster writing them to the API server and repeated events counted.
import { type Clientset, scheme } from 'kube-client/kubernetes';
import { newBroadcaster, sinkForClientset } from 'kube-client/tools/record';
import type { KubeObject } from 'kube-client/apimachinery';

/**
 * Records `count` Warning events about `obj` and flushes them (repeats become one Event with a count).
 *
 * @example
 * await recordEvents(cs, pod, 'BackOff', 'restarting failed container', 3);
 */
export async function recordEvents(
  cs: Clientset,
  obj: KubeObject,
  reason: string,
  message: string,
  count: number,
): Promise<void> {
  const broadcaster = newBroadcaster({ scheme });
  broadcaster.startRecordingToSink(sinkForClientset(cs));
  const recorder = broadcaster.newRecorder({ component: 'example-events' });
  for (let i = 0; i < count; i++) recorder.event(obj, 'Warning', reason, message);
  await broadcaster.shutdown(); // writes what is queued, then stops
}
