// The default logger and the structured (JSON lines) logger. This module is the only place of the
// library (besides the CLIs' own output) that writes to stderr: a test greps src/ for any other.
import { type LogEntry, type Logger, type LoggerOptions, newLogger } from './logger.js';

/** Options of the text and JSON loggers. */
export interface StreamLoggerOptions extends LoggerOptions {
  /** Receives each line, without its newline (default: stderr). */
  write?: (line: string) => void;
}

const writeStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * A logger writing each message as it is, one line each (the library's default, on stderr; the
 * fields are not written).
 *
 * @example
 * setLogger(newTextLogger({ verbosity: 6 })); // kubectl -v=6 style request lines on stderr
 */
export function newTextLogger(options: StreamLoggerOptions = {}): Logger {
  const write = options.write ?? writeStderr;
  return newLogger((e) => write(e.message), options);
}

/** A field value as JSON can carry it: an Error as its name and message (JSON.stringify shows `{}`). */
function jsonValue(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One entry as a JSON line: time, severity, level, message, then the fields. */
function jsonLine(e: LogEntry): string {
  const out: Record<string, unknown> = {
    ts: new Date().toISOString(),
    severity: e.severity,
    v: e.level,
    msg: e.message,
  };
  for (const [k, v] of Object.entries(e.fields ?? {})) if (!(k in out)) out[k] = jsonValue(v);
  try {
    return JSON.stringify(out);
  } catch {
    // A cyclic field: the message alone still gets out.
    return JSON.stringify({ ts: out.ts, severity: e.severity, v: e.level, msg: e.message });
  }
}

/**
 * A structured logger: one JSON object per line (`ts`, `severity`, `v`, `msg` and the fields).
 *
 * @example
 * setLogger(newJsonLogger({ verbosity: 6 }));
 * // {"ts":"...","severity":"info","v":6,"msg":"GET https://... 200 OK in 3 milliseconds","verb":"GET","status":200,...}
 */
export function newJsonLogger(options: StreamLoggerOptions = {}): Logger {
  const write = options.write ?? writeStderr;
  return newLogger((e) => write(jsonLine(e)), options);
}

/**
 * The default logger: messages as plain lines on stderr, at the global verbosity.
 *
 * @example
 * setLogger(defaultTextLogger); // same as setLogger(undefined)
 */
export const defaultTextLogger: Logger = newTextLogger();
