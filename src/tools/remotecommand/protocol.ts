// The channel sub-protocols of exec and attach over WebSocket (apimachinery's
// util/remotecommand): their names in preference order, the channel numbers, and what each
// version can do.

/** v5: v4 plus the close signal (channel 255) that ends one stream, e.g. stdin (servers >= 1.29). */
export const STREAM_PROTOCOL_V5 = 'v5.channel.k8s.io';
/** v4: the error channel carries a JSON Status (exit codes as NonZeroExitCode); the v1.20 kubelet's newest. */
export const STREAM_PROTOCOL_V4 = 'v4.channel.k8s.io';
/** v3: v2 plus the resize channel. */
export const STREAM_PROTOCOL_V3 = 'v3.channel.k8s.io';
/** v2: stdin, stdout, stderr and a plain-text error channel. */
export const STREAM_PROTOCOL_V2 = 'v2.channel.k8s.io';
/** v1: the first channel protocol (plain-text errors). */
export const STREAM_PROTOCOL_V1 = 'channel.k8s.io';

/**
 * The sub-protocols offered for exec and attach, most preferred first; the server picks the first
 * it speaks (the v1.20 kubelet: v4).
 */
export const STREAM_PROTOCOLS: readonly string[] = [
  STREAM_PROTOCOL_V5,
  STREAM_PROTOCOL_V4,
  STREAM_PROTOCOL_V3,
  STREAM_PROTOCOL_V2,
  STREAM_PROTOCOL_V1,
];

/** Channel numbers: the first byte of every binary message. */
export const Channel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  error: 3,
  resize: 4,
  /** v5: `[255, n]` says stream n is finished (half-close). */
  close: 255,
} as const;

/** What a negotiated sub-protocol can do. */
export interface ProtocolFeatures {
  /** 1..5 ('' from the server counts as 1, as in client-go). */
  version: number;
  /** The error channel carries a JSON Status (v4+); else plain text. */
  statusErrors: boolean;
  /** Terminal resizes can be sent on channel 4 (v3+). */
  resize: boolean;
  /** The end of stdin can be signalled (v5). */
  closeSignal: boolean;
}

/**
 * The features of a negotiated sub-protocol.
 *
 * @example
 * protocolFeatures('v4.channel.k8s.io'); // { version: 4, statusErrors: true, resize: true, closeSignal: false }
 */
export function protocolFeatures(protocol: string): ProtocolFeatures {
  const version =
    protocol === STREAM_PROTOCOL_V5
      ? 5
      : protocol === STREAM_PROTOCOL_V4
        ? 4
        : protocol === STREAM_PROTOCOL_V3
          ? 3
          : protocol === STREAM_PROTOCOL_V2
            ? 2
            : 1;
  return { version, statusErrors: version >= 4, resize: version >= 3, closeSignal: version >= 5 };
}
