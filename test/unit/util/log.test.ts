// kube-client/util/log: klog-like levels (errors and warnings always, v(level) up to the
// verbosity), the global verbosity and logger that clients made earlier follow, the text, JSON
// and silent loggers, and the older line-function form of `logger` options.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  defaultTextLogger,
  getVerbosity,
  globalLogger,
  type LogEntry,
  newJsonLogger,
  newLogger,
  newTextLogger,
  setLogger,
  setVerbosity,
  silentLogger,
  toLogger,
} from '../../../src/util/log/index.js';

afterEach(() => {
  setLogger(undefined);
  setVerbosity(0);
  vi.restoreAllMocks();
});

/** Sends one message of each kind at levels 0..10 and returns what the sink got, as `severity/level`. */
function written(verbosity: number | undefined): string[] {
  const got: LogEntry[] = [];
  const logger = newLogger((e) => got.push(e), verbosity === undefined ? {} : { verbosity });
  logger.error('e');
  logger.warn('w');
  logger.info('i');
  for (let level = 1; level <= 10; level++) logger.v(level, `v${level}`);
  return got.map((e) => `${e.severity}/${e.level}`);
}

describe('levels', () => {
  it.each([
    [0, ['error/0', 'warning/0', 'info/0']],
    [2, ['error/0', 'warning/0', 'info/0', 'info/1', 'info/2']],
    [6, ['error/0', 'warning/0', 'info/0', 'info/1', 'info/2', 'info/3', 'info/4', 'info/5', 'info/6']],
    [-1, []],
  ])('verbosity %i writes exactly the levels up to it', (verbosity, expected) => {
    expect(written(verbosity)).toEqual(expected);
  });

  it('a logger without its own verbosity follows setVerbosity, read at each call', () => {
    expect(written(undefined)).toHaveLength(3);
    setVerbosity(9);
    expect(getVerbosity()).toBe(9);
    expect(written(undefined)).toHaveLength(12);
    const fixed = newLogger(() => {}, { verbosity: 2 });
    expect(fixed.verbosity).toBe(2);
  });

  it('rejects a verbosity that is not an integer', () => {
    expect(() => setVerbosity(1.5)).toThrow(RangeError);
  });

  it('the silent logger writes nothing, not even errors', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    setLogger(silentLogger);
    globalLogger.error('lost');
    globalLogger.v(0, 'lost');
    expect(write).not.toHaveBeenCalled();
    expect(globalLogger.verbosity).toBe(-1);
  });
});

describe('the global logger', () => {
  it('defaults to plain lines on stderr, as the library always wrote', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    globalLogger.error('events: unable to write event x', { reason: 'x' });
    globalLogger.v(6, 'not at verbosity 0');
    expect(write.mock.calls).toEqual([['events: unable to write event x\n']]);
    expect(defaultTextLogger.verbosity).toBe(0);
  });

  it('forwards to the logger set later, so holders of globalLogger follow setLogger', () => {
    const held = globalLogger;
    const got: string[] = [];
    setLogger(newLogger((e) => got.push(e.message), { verbosity: 6 }));
    held.v(6, 'seen');
    held.v(7, 'dropped');
    expect(got).toEqual(['seen']);
    expect(held.verbosity).toBe(6);
  });
});

describe('text and JSON loggers', () => {
  it('the text logger writes the message only', () => {
    const lines: string[] = [];
    newTextLogger({ write: (l) => lines.push(l), verbosity: 1 }).v(1, 'hello', { a: 1 });
    expect(lines).toEqual(['hello']);
  });

  it('the JSON logger writes one object per line with the fields, errors as name and message', () => {
    const lines: string[] = [];
    const logger = newJsonLogger({ write: (l) => lines.push(l), verbosity: 6 });
    logger.v(6, 'GET https://h/api 200 OK in 3 milliseconds', { verb: 'GET', status: 200, msg: 'not overriding' });
    logger.error('failed', { err: new TypeError('boom'), n: 10n });
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      severity: 'info',
      v: 6,
      msg: 'GET https://h/api 200 OK in 3 milliseconds',
      verb: 'GET',
      status: 200,
    });
    expect(Number.isNaN(Date.parse(a.ts))).toBe(false);
    expect(b).toMatchObject({
      severity: 'error',
      v: 0,
      msg: 'failed',
      err: { name: 'TypeError', message: 'boom' },
      n: '10',
    });
  });

  it('the JSON logger still writes the message when a field is cyclic', () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    newJsonLogger({ write: (l) => lines.push(l) }).error('cyclic', { cyclic });
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'cyclic', severity: 'error' });
  });
});

describe('toLogger', () => {
  it('keeps a Logger, maps undefined to the global logger and a line function to a stable Logger', () => {
    const logger = newLogger(() => {});
    expect(toLogger(logger)).toBe(logger);
    expect(toLogger(undefined)).toBe(globalLogger);
    const lines: string[] = [];
    const fn = (l: string) => lines.push(l);
    expect(toLogger(fn)).toBe(toLogger(fn));
    toLogger(fn).warn('w');
    toLogger(fn).v(6, 'dropped at the global verbosity 0');
    setVerbosity(6);
    toLogger(fn).v(6, 'kept at 6');
    expect(lines).toEqual(['w', 'kept at 6']);
  });
});
