// The global logger (client-go's klog.SetLogger): what every part of the library writes to when
// it was not given a logger of its own, and the normalisation of the `logger` options.
import { type LogFields, type Logger, newLogger } from './logger.js';
import { defaultTextLogger } from './stderr-logger.js';

let current: Logger | undefined;

/**
 * Sets the logger used by everything that was not given its own (client-go's klog.SetLogger);
 * `undefined` restores the default (text lines on stderr).
 *
 * @example
 * setLogger(newJsonLogger());
 */
export function setLogger(logger: Logger | undefined): void {
  current = logger;
}

const active = (): Logger => current ?? defaultTextLogger;

/**
 * The global logger: forwards each call to the logger set with {@link setLogger} at the time of
 * the call, so clients made before `setLogger` follow it too.
 *
 * @example
 * globalLogger.error('informer: handler failed', { err });
 */
export const globalLogger: Logger = Object.freeze({
  get verbosity() {
    return active().verbosity;
  },
  error: (m: string, f?: LogFields) => active().error(m, f),
  warn: (m: string, f?: LogFields) => active().warn(m, f),
  info: (m: string, f?: LogFields) => active().info(m, f),
  v: (level: number, m: string, f?: LogFields) => active().v(level, m, f),
});

const fromLineFunctions = new WeakMap<(line: string) => void, Logger>();

/**
 * A Logger from what an option accepts: a Logger as is, a line function (the older
 * `logger: (line) => void` form) as a logger writing every message as one line at the global
 * verbosity, and `undefined` as the {@link globalLogger}.
 *
 * @example
 * const log = toLogger(config.logger); // Logger
 */
export function toLogger(logger: Logger | ((line: string) => void) | undefined): Logger {
  if (logger === undefined) return globalLogger;
  if (typeof logger !== 'function') return logger;
  let out = fromLineFunctions.get(logger);
  if (!out) {
    out = newLogger((e) => logger(e.message));
    fromLineFunctions.set(logger, out);
  }
  return out;
}
