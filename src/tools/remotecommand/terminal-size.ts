// Terminal sizes for tty sessions (client-go's TerminalSizeQueue): an async iterable of sizes
// that the executor sends on the resize channel, from a real terminal or pushed by hand.

/** A terminal size in character cells. */
export interface TerminalSize {
  width: number;
  height: number;
}

/** The sizes to send, in order; the executor stops reading when the session ends. */
export type TerminalSizeQueue = AsyncIterable<TerminalSize>;

/** A queue the caller pushes sizes into (tests, programs that draw their own terminal). */
export interface PushTerminalSizeQueue extends TerminalSizeQueue {
  /** Queues a size (the latest wins when several wait). */
  push(size: TerminalSize): void;
  /** Ends the queue. */
  close(): void;
}

/**
 * A queue that yields what is pushed into it; `return()` on its iterator (a consumer that stops)
 * ends it at once, even while a `next()` waits.
 *
 * @example
 * const sizes = pushTerminalSizeQueue({ width: 80, height: 24 });
 * const done = exec(config, { namespace, pod, command: ['sh'], tty: true, stdin, stdout, terminalSizeQueue: sizes });
 * sizes.push({ width: 120, height: 40 });
 */
export function pushTerminalSizeQueue(initial?: TerminalSize, onClose?: () => void): PushTerminalSizeQueue {
  let pending: TerminalSize | undefined = initial;
  let closed = false;
  let waiter: ((r: IteratorResult<TerminalSize>) => void) | undefined;
  const finish = () => {
    if (!closed) {
      closed = true;
      onClose?.();
    }
    const w = waiter;
    waiter = undefined;
    w?.({ done: true, value: undefined });
  };
  const iterator: AsyncIterator<TerminalSize> = {
    next() {
      if (pending) {
        const value = pending;
        pending = undefined;
        return Promise.resolve({ done: false, value });
      }
      if (closed) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => {
        waiter = resolve;
      });
    },
    return() {
      finish();
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return {
    push(size) {
      if (closed) return;
      const value = { width: size.width, height: size.height };
      const w = waiter;
      waiter = undefined;
      if (w) w({ done: false, value });
      else pending = value;
    },
    close: finish,
    [Symbol.asyncIterator]: () => iterator,
  };
}

/** What terminalSizeQueueFor reads (process.stdout when it is a TTY). */
export interface ResizableTerminal {
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/**
 * The sizes of a local terminal: its current size, then one per 'resize' event, until the
 * session ends (the executor stops reading) or the signal aborts.
 *
 * @example
 * await exec(config, { namespace, pod, command: ['sh'], tty: true, stdin: process.stdin, stdout: process.stdout, terminalSizeQueue: terminalSizeQueueFor(process.stdout) });
 */
export function terminalSizeQueueFor(terminal: ResizableTerminal, signal?: AbortSignal): TerminalSizeQueue {
  return {
    [Symbol.asyncIterator]() {
      const current = () => {
        if (terminal.columns && terminal.rows) queue.push({ width: terminal.columns, height: terminal.rows });
      };
      const stop = () => queue.close();
      const queue = pushTerminalSizeQueue(undefined, () => {
        terminal.off('resize', current);
        signal?.removeEventListener('abort', stop);
      });
      current();
      terminal.on('resize', current);
      signal?.addEventListener('abort', stop, { once: true });
      return queue[Symbol.asyncIterator]();
    },
  };
}
