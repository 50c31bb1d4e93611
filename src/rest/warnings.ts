// Server warnings (the `Warning: 299 - "text"` response header, RFC 7234 section 5.5) and their
// handlers: by default each distinct warning is printed once (on the global logger, stderr by
// default), as client-go's default.
import { globalLogger } from '../util/log/global.js';

/** Receives one warning text. */
export interface WarningHandler {
  handleWarningHeader(code: number, agent: string, text: string): void;
}

/**
 * Parses Warning header values into `{ code, agent, text }` as client-go does: each value holds
 * comma-separated `code agent "text" ["date"]` warnings, read from the start; a malformed one (or
 * a control character in agent or text) ends that value, keeping the warnings before it.
 *
 * @example
 * parseWarningHeaders(['299 - "v1 ComponentStatus is deprecated"']); // [{ code: 299, agent: '-', text: 'v1 ...' }]
 */
export function parseWarningHeaders(values: string[]): Array<{ code: number; agent: string; text: string }> {
  const out: Array<{ code: number; agent: string; text: string }> = [];
  for (const value of values) {
    // Sticky: each warning must start where the previous one (and its comma) ended.
    const re = /[ \t]*(\d{3}) ([^\s\p{Cc}]+) "((?:[^"\\\p{Cc}]|\\\P{Cc})*)"(?:[ \t]*"[^"]*")?[ \t]*(?:,|$)/uy;
    let m: RegExpExecArray | null = re.exec(value);
    while (m !== null) {
      out.push({ code: Number(m[1]), agent: m[2]!, text: m[3]!.replace(/\\(.)/g, '$1') });
      m = re.exec(value);
    }
  }
  return out;
}

/**
 * Prints each distinct code-299 warning once (`Warning: <text>`) through `write`.
 *
 * @example
 * const config = { host, warningHandler: newDeduplicatingWarningHandler((l) => logger.warn(l)) };
 */
export function newDeduplicatingWarningHandler(
  write: (line: string) => void = (l) => globalLogger.warn(l),
): WarningHandler {
  const seen = new Set<string>();
  return {
    handleWarningHeader(code, _agent, text) {
      if (code !== 299 || text === '' || seen.has(text)) return;
      seen.add(text);
      write(`Warning: ${text}`);
    },
  };
}

/** A handler that drops every warning. */
export const noWarnings: WarningHandler = { handleWarningHeader() {} };

let defaultHandler: WarningHandler | undefined;

/** The process-wide default handler (deduplicating, to the global logger). */
export function defaultWarningHandler(): WarningHandler {
  defaultHandler ??= newDeduplicatingWarningHandler();
  return defaultHandler;
}

/** Replaces the process-wide default warning handler (client-go's SetDefaultWarningHandler). */
export function setDefaultWarningHandler(handler: WarningHandler): void {
  defaultHandler = handler;
}
