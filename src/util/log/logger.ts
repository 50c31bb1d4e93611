// The one Logger of the library, in the spirit of klog: errors and warnings are always written,
// info messages carry a verbosity level (klog's -v: 0 always, 6 one line per request as kubectl
// -v=6 shows, 9 request and response bodies) and are written only up to the logger's verbosity.
// A leaf utility: it imports nothing from the other layers, and every layer may import it.

/** Structured context of one message (the JSON logger writes it; the text logger writes the message only). */
export type LogFields = Readonly<Record<string, unknown>>;

/** How serious one message is. */
export type LogSeverity = 'error' | 'warning' | 'info';

/**
 * One message as a sink receives it.
 *
 * @example
 * const entry: LogEntry = { severity: 'info', level: 6, message: 'GET https://127.0.0.1:6443/api 200 OK in 3 milliseconds' };
 */
export interface LogEntry {
  severity: LogSeverity;
  /** The verbosity level (0 for errors, warnings and plain info). */
  level: number;
  message: string;
  fields?: LogFields;
}

/**
 * Where the library's messages go. Errors and warnings are always written (unless the logger is
 * silent); `v(level, ...)` only when `level <= verbosity`. Check `verbosity` before building an
 * expensive message.
 *
 * @example
 * const logger: Logger = newTextLogger({ verbosity: 6 });
 * logger.v(6, 'GET https://127.0.0.1:6443/api/v1/pods 200 OK in 4 milliseconds');
 * if (logger.verbosity >= 9) logger.v(9, `Response Body: ${body}`);
 */
export interface Logger {
  /** The most verbose level written (klog's `-v`); a negative value writes nothing at all. */
  readonly verbosity: number;
  /** A failure the library cannot report by throwing (a handler threw, an event was lost). */
  error(message: string, fields?: LogFields): void;
  /** Something the user should act on (server warnings, slow client-side throttling). */
  warn(message: string, fields?: LogFields): void;
  /** An informational message at level 0 (klog.Info). */
  info(message: string, fields?: LogFields): void;
  /** An informational message at verbosity `level` (klog.V(level).Info). */
  v(level: number, message: string, fields?: LogFields): void;
}

/** Options of {@link newLogger}. */
export interface LoggerOptions {
  /** Fixed verbosity; unset, the logger follows the global one ({@link setVerbosity}). */
  verbosity?: number;
}

/**
 * A Logger from one sink function (adapt pino, winston or a test array in one line). The sink is
 * called only for entries within the verbosity.
 *
 * @example
 * const lines: LogEntry[] = [];
 * const logger = newLogger((e) => lines.push(e), { verbosity: 9 });
 */
export function newLogger(sink: (entry: LogEntry) => void, options: LoggerOptions = {}): Logger {
  const fixed = options.verbosity;
  const verbosity = () => fixed ?? globalVerbosity;
  const emit = (severity: LogSeverity, level: number, message: string, fields?: LogFields) => {
    if (level > verbosity() || verbosity() < 0) return;
    sink(fields === undefined ? { severity, level, message } : { severity, level, message, fields });
  };
  return {
    get verbosity() {
      return verbosity();
    },
    error: (m, f) => emit('error', 0, m, f),
    warn: (m, f) => emit('warning', 0, m, f),
    info: (m, f) => emit('info', 0, m, f),
    v: (level, m, f) => emit('info', level, m, f),
  };
}

/**
 * A logger that writes nothing, not even errors.
 *
 * @example
 * setLogger(silentLogger); // a library user who wants no output at all
 */
export const silentLogger: Logger = Object.freeze({
  verbosity: -1,
  error() {},
  warn() {},
  info() {},
  v() {},
});

let globalVerbosity = 0;

/**
 * Sets the global verbosity (klog's `-v`), followed by every logger made without its own.
 *
 * @example
 * setVerbosity(6); // one line per API request, as `kubectl -v=6`
 */
export function setVerbosity(level: number): void {
  if (!Number.isInteger(level)) throw new RangeError(`verbosity must be an integer, not ${level}`);
  globalVerbosity = level;
}

/**
 * The global verbosity set with {@link setVerbosity} (0 by default).
 *
 * @example
 * if (getVerbosity() >= 9) console.log('bodies are logged');
 */
export function getVerbosity(): number {
  return globalVerbosity;
}
