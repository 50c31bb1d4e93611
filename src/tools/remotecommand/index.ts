// kube-client/tools/remotecommand: exec and attach over WebSocket (client-go's
// tools/remotecommand). Builds on rest's transport only, so the typed pods client (layer 3) can
// offer exec and attach too.
export { type ChannelEnd, ChannelConnection, type ChannelHandlers } from './channels.js';
export { CodeExitError } from './errors.js';
export {
  type AttachOptions,
  attach,
  type ExecOptions,
  type ExecTextOptions,
  type ExecTextResult,
  exec,
  execText,
  type PodCommandQuery,
  type PodTarget,
  podSubresourceUrl,
} from './exec.js';
export {
  decodeErrorChannel,
  type Executor,
  FallbackExecutor,
  type StreamOptions,
  type StreamResult,
  shouldFallBack,
  WebSocketExecutor,
} from './executor.js';
export {
  Channel,
  type ProtocolFeatures,
  protocolFeatures,
  STREAM_PROTOCOL_V1,
  STREAM_PROTOCOL_V2,
  STREAM_PROTOCOL_V3,
  STREAM_PROTOCOL_V4,
  STREAM_PROTOCOL_V5,
  STREAM_PROTOCOLS,
} from './protocol.js';
export {
  type PushTerminalSizeQueue,
  pushTerminalSizeQueue,
  type ResizableTerminal,
  type TerminalSize,
  type TerminalSizeQueue,
  terminalSizeQueueFor,
} from './terminal-size.js';
export { StreamInterruptedError, StreamProtocolError } from '../../rest/errors.js';
