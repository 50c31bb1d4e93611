// A WebSocket carrying numbered channels (the first byte of each binary message), as exec,
// attach and port-forward use it: frames in and out with backpressure both ways, a ping heartbeat
// that notices a dead peer, and one end report saying how the connection closed.
import type WebSocket from 'ws';

/** Sent stream data waits for the socket once this much is queued. */
const SEND_HIGH_WATER = 1024 * 1024;
/** Ping period; a peer silent for HEARTBEAT_DEAD_MS is taken as gone (client-go: 5 s / 61 s). */
const HEARTBEAT_PERIOD_MS = 10_000;
const HEARTBEAT_DEAD_MS = 65_000;

/** How a channel connection ended. */
export interface ChannelEnd {
  /** The close code (1000 normal; 1005 none given; 1006 the connection dropped without a close frame). */
  code: number;
  /** The connection ended without a proper close (dropped, cut mid-frame, heartbeat lost). */
  abnormal: boolean;
  /** Why, when it did not close normally. */
  reason: string;
}

/** What a ChannelConnection reports. */
export interface ChannelHandlers {
  /** One binary message: its channel and its data (without the channel byte; may be empty). */
  onFrame(channel: number, data: Buffer): void;
  /** A text message or an empty binary message; the handler usually fails the connection. */
  onMalformed(what: string): void;
  /** The connection is closed (always called once). */
  onEnd(end: ChannelEnd): void;
}

/**
 * Frames data onto a WebSocket's channels and reads them back.
 *
 * @example
 * const conn = new ChannelConnection(ws, { onFrame: (ch, data) => ..., onMalformed: (w) => conn.fail(w), onEnd: (e) => ... });
 * await conn.send(0, Buffer.from('input'));
 */
export class ChannelConnection {
  private ended = false;
  private pauses = 0;
  private lastHeard = Date.now();
  private readonly timer: NodeJS.Timeout;
  private closeReason = '';

  constructor(
    /** The open socket (its listeners are this connection's from now on). */
    readonly ws: WebSocket,
    private readonly handlers: ChannelHandlers,
  ) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.lastHeard = Date.now();
      if (!isBinary) return this.handlers.onMalformed('a text message (only binary messages carry channels)');
      if (data.length === 0) return this.handlers.onMalformed('an empty message (no channel byte)');
      this.handlers.onFrame(data[0]!, data.subarray(1));
    });
    ws.on('pong', () => {
      this.lastHeard = Date.now();
    });
    ws.on('ping', () => {
      this.lastHeard = Date.now();
    });
    ws.on('error', (err: Error) => {
      this.closeReason ||= err.message;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearInterval(this.timer);
      if (this.ended) return;
      this.ended = true;
      const why = this.closeReason || reason.toString('utf8') || `close code ${code}`;
      this.handlers.onEnd({ code, abnormal: code !== 1000 && code !== 1005, reason: why });
    });
    this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_PERIOD_MS);
    this.timer.unref();
    // webSocketDialerFor hands the socket over paused; read from now on.
    if (ws.isPaused) ws.resume();
  }

  private heartbeat(): void {
    if (this.pauses > 0) {
      this.lastHeard = Date.now();
      return;
    }
    if (Date.now() - this.lastHeard > HEARTBEAT_DEAD_MS) {
      this.closeReason = `no answer to pings for ${HEARTBEAT_DEAD_MS / 1000} s`;
      this.ws.terminate();
      return;
    }
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  /** Whether more than the high-water mark waits to be sent (a producer should wait for `send`). */
  get congested(): boolean {
    return this.ws.bufferedAmount >= SEND_HIGH_WATER;
  }

  /** Whether the socket is still open for sending. */
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /**
   * Sends data on a channel; resolves at once while little is queued, else once the socket has
   * taken it (so a fast producer waits for a slow network). Never rejects: a closed socket drops it.
   */
  send(channel: number, data: Uint8Array): Promise<void> {
    if (!this.open) return Promise.resolve();
    const frame = Buffer.allocUnsafe(data.length + 1);
    frame[0] = channel;
    frame.set(data, 1);
    if (this.ws.bufferedAmount + frame.length < SEND_HIGH_WATER) {
      this.ws.send(frame, { binary: true });
      return Promise.resolve();
    }
    return new Promise((resolve) => this.ws.send(frame, { binary: true }, () => resolve()));
  }

  /** Sends a raw message (the v5 close signal `[255, channel]`). */
  sendRaw(bytes: number[]): void {
    if (this.open) this.ws.send(Buffer.from(bytes), { binary: true });
  }

  /** Stops reading (a slow consumer); each call needs one `resume()`. */
  pause(): void {
    if (this.pauses++ === 0) this.ws.pause();
  }

  /** Undoes one `pause()`. */
  resume(): void {
    if (this.pauses > 0 && --this.pauses === 0) this.ws.resume();
  }

  /** Closes with a close frame (normal end). */
  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.CONNECTING || this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
    // A peer that does not answer the close frame is cut after ws's own 30 s; end reading now.
    this.ws.resume();
  }

  /** Drops the connection at once (abort, protocol error). */
  terminate(reason: string): void {
    this.closeReason ||= reason;
    this.ws.terminate();
  }
}
