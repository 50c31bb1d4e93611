// What the generated pods client calls for its streaming subresources: exec, attach and
// port-forward over WebSocket (tools/remotecommand, tools/portforward) and streamed logs, each
// through the client's own config, so the calls share its credentials, TLS and proxy.
import {
  type AttachOptions,
  attach,
  type ExecOptions,
  type ExecTextOptions,
  type ExecTextResult,
  exec,
  execText,
} from '../tools/remotecommand/exec.js';
import type { StreamResult } from '../tools/remotecommand/executor.js';
import { type PortForwardOptions, type PortForwarder, portForward } from '../tools/portforward/port-forwarder.js';
import { type PodLogOptions, type PodLogStream, streamPodLog } from './pod-logs.js';
import type { ResourceClient } from './resource-client.js';

/** `pods(ns).exec(name, ...)` options: exec's, without the pod and namespace. */
export type PodExecOptions = Omit<ExecOptions, 'namespace' | 'pod'>;
/** `pods(ns).execText(name, ...)` options. */
export type PodExecTextOptions = Omit<ExecTextOptions, 'namespace' | 'pod'>;
/** `pods(ns).attach(name, ...)` options. */
export type PodAttachOptions = Omit<AttachOptions, 'namespace' | 'pod'>;
/** `pods(ns).portForward(name, ...)` options. */
export type PodPortForwardOptions = Omit<PortForwardOptions, 'namespace' | 'pod'>;

/**
 * Any pods client (the typed `coreV1.pods(ns)` or a generic one): what the stream helpers take.
 *
 * @example
 * const pods: PodsClient = cs.coreV1.pods('default');
 */
// biome-ignore lint/suspicious/noExplicitAny: any pods client
export type PodsClient = ResourceClient<any, any>;

/**
 * exec on a pod of this client's namespace.
 *
 * @example
 * await podExec(cs.coreV1.pods('ns'), 'web', { command: ['ls'], stdout: process.stdout });
 */
export function podExec(client: PodsClient, name: string, options: PodExecOptions): Promise<StreamResult> {
  return exec(client.restClient.config, { ...options, namespace: client.ns, pod: name });
}

/**
 * execText on a pod of this client's namespace.
 *
 * @example
 * const { stdout } = await podExecText(cs.coreV1.pods('ns'), 'web', { command: ['hostname'] });
 */
export function podExecText(client: PodsClient, name: string, options: PodExecTextOptions): Promise<ExecTextResult> {
  return execText(client.restClient.config, { ...options, namespace: client.ns, pod: name });
}

/**
 * attach on a pod of this client's namespace.
 *
 * @example
 * await podAttach(cs.coreV1.pods('ns'), 'web', { stdout: process.stdout, signal });
 */
export function podAttach(client: PodsClient, name: string, options: PodAttachOptions): Promise<StreamResult> {
  return attach(client.restClient.config, { ...options, namespace: client.ns, pod: name });
}

/**
 * port-forward to a pod of this client's namespace.
 *
 * @example
 * const pf = podPortForward(cs.coreV1.pods('ns'), 'web', { ports: [':80'] });
 */
export function podPortForward(client: PodsClient, name: string, options: PodPortForwardOptions): PortForwarder {
  return portForward(client.restClient.config, { ...options, namespace: client.ns, pod: name });
}

/**
 * The streamed log of a pod of this client's namespace.
 *
 * @example
 * for await (const line of await podStreamLog(cs.coreV1.pods('ns'), 'web', { follow: true })) console.log(line);
 */
export function podStreamLog(client: PodsClient, name: string, options?: PodLogOptions): Promise<PodLogStream> {
  return streamPodLog(client.restClient, client.ns, name, options);
}
