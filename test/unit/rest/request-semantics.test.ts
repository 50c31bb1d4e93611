// Request semantics ported from client-go's rest (request_test.go, with_retry_test.go), transport
// round trippers, token source, warning parsing and exec authenticator: which answers are retried
// and how, timeouts, error bodies, warnings, auth/impersonation headers and credential hygiene.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isUnauthorized, StatusError, StatusReason, suggestsClientDelay } from '../../../src/apimachinery/errors.js';
import {
  clearExecCredentialCache,
  type Config,
  ConfigError,
  defaultUserAgent,
  type HttpRequest,
  type HttpResponse,
  KUBE_CLIENT_VERSION,
  newDeduplicatingWarningHandler,
  noWarnings,
  parseWarningHeaders,
  type RateLimiter,
  RequestAbortedError,
  RESTClientPool,
  restClientFor,
  type RESTClient,
  type RoundTrip,
  roundTripFor,
  TransportError,
  type URLBackoffManager,
} from '../../../src/rest/index.js';
import { rejection } from '../../support/caught.js';
import { json, LOOPBACK_CA, type Recorded, startFakeServer } from '../../support/fake-server.js';
import { cannedResponse } from '../../support/canned-response.js';

// ---------------------------------------------------------------------------------------------
// helpers

const answer = cannedResponse;

const ok = () => answer(200, { 'content-type': 'application/json' }, '{"kind":"Pod"}');
const status = (code: number, headers: Record<string, string> = {}) =>
  answer(code, { 'content-type': 'application/json', ...headers }, JSON.stringify({ kind: 'Status', code }));

type Step = HttpResponse | Error | ((req: HttpRequest) => HttpResponse);

/** A round trip that answers with `steps` in order, repeating the last one, and records each call. */
function scripted(...steps: Step[]): { roundTrip: RoundTrip; calls: HttpRequest[] } {
  const calls: HttpRequest[] = [];
  const roundTrip: RoundTrip = async (req) => {
    calls.push(req);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? step(req) : step;
  };
  return { roundTrip, calls };
}

/** A core/v1 client on a scripted round trip (no network). */
function fakeClient(roundTrip: RoundTrip, config: Partial<Config> = {}): RESTClient {
  return restClientFor(
    {
      host: 'https://api.test:6443',
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      warningHandler: noWarnings,
      ...config,
    },
    { roundTrip },
  );
}

/** A limiter that lets everything through and counts the calls to wait(). */
function countingLimiter(delayMs = 0): RateLimiter & { waits: number } {
  const limiter = {
    waits: 0,
    tryAccept: () => true,
    wait: (signal?: AbortSignal) => {
      limiter.waits++;
      if (delayMs === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, delayMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(signal.reason);
        });
      });
    },
    qps: () => 1,
    stop: () => {},
  };
  return limiter;
}

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await closeServer?.();
  closeServer = undefined;
});

/** A core/v1 client on a local fake https server (credentials go only over https). */
async function serve(
  handler: Parameters<typeof startFakeServer>[0],
  config: Partial<Config> = {},
): Promise<{ rc: RESTClient; requests: Recorded[]; url: string }> {
  const server = await startFakeServer(handler, { tls: true });
  closeServer = server.close;
  const rc = restClientFor({
    host: server.url,
    groupVersion: { group: '', version: 'v1' },
    qps: -1,
    proxy: false,
    warningHandler: noWarnings,
    ...config,
    tls: { caData: LOOPBACK_CA, ...config.tls },
  });
  return { rc, requests: server.requests, url: server.url };
}

/** The values of every raw header line called `name` (case-insensitive), in order. */
function headerLines(raw: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name.toLowerCase()) out.push(raw[i + 1]!);
  return out;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'kc-semantics-'));

// ---------------------------------------------------------------------------------------------

describe('which answers are retried (client-go checkWait / IsNextRetry)', () => {
  it.each([
    { code: 429, retried: true },
    { code: 500, retried: true },
    { code: 502, retried: true },
    { code: 503, retried: true },
    { code: 504, retried: true },
    { code: 400, retried: false },
    { code: 403, retried: false },
    { code: 408, retried: false },
    { code: 409, retried: false },
  ])('$code with Retry-After: retried $retried', async ({ code, retried }) => {
    const { roundTrip, calls } = scripted(status(code, { 'retry-after': '0' }), ok());
    const outcome = await fakeClient(roundTrip)
      .get()
      .resource('pods')
      .do()
      .then(
        () => 'ok',
        (e: unknown) => e,
      );
    expect(calls).toHaveLength(retried ? 2 : 1);
    if (retried) expect(outcome).toBe('ok');
    else expect((outcome as StatusError).code).toBe(code);
  });

  it.each([
    ['an HTTP date', 'Wed, 21 Oct 2015 07:28:00 GMT'],
    ['a fraction', '1.5'],
    ['a number with junk', '2abc'],
    ['a word', 'soon'],
    ['empty', ''],
  ])('does not retry a 503 whose Retry-After is %s (only whole seconds count)', async (_what, value) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { roundTrip, calls } = scripted(status(503, { 'retry-after': value }), ok());
    const outcome = rejection(fakeClient(roundTrip).get().resource('pods').do());
    await vi.advanceTimersByTimeAsync(5000);
    expect(((await outcome) as StatusError).code).toBe(503);
    expect(calls).toHaveLength(1);
  });

  it.each([
    { maxRetries: undefined, attempts: 11 },
    { maxRetries: 0, attempts: 1 },
    { maxRetries: 3, attempts: 4 },
  ])('maxRetries $maxRetries: $attempts attempts in all, then the last answer', async ({ maxRetries, attempts }) => {
    const { roundTrip, calls } = scripted(status(429, { 'retry-after': '0' }));
    const err = await rejection(fakeClient(roundTrip, { maxRetries }).get().resource('pods').do());
    expect(calls).toHaveLength(attempts);
    expect((err as StatusError).code).toBe(429);
  });

  it('waits exactly the Retry-After seconds before the next attempt', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { roundTrip, calls } = scripted(status(503, { 'retry-after': '7' }), ok());
    const done = fakeClient(roundTrip).get().resource('pods').do();
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect((await done).statusCode).toBe(200);
  });

  it('does not cap a long Retry-After, but the caller can abort the wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { roundTrip, calls } = scripted(status(429, { 'retry-after': '3600' }), ok());
    const ac = new AbortController();
    const outcome = rejection(fakeClient(roundTrip).get().resource('pods').signal(ac.signal).do());
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(1);
    ac.abort(new Error('caller gave up'));
    const err = await outcome;
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect((err as Error).message).toMatch(/waiting to retry/);
  });

  it('a request timeout also ends a Retry-After wait', async () => {
    const { roundTrip, calls } = scripted(status(429, { 'retry-after': '3600' }), ok());
    const err = await rejection(fakeClient(roundTrip).get().resource('pods').timeout(50).do());
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect(calls).toHaveLength(1);
  });

  it('consults the rate limiter before every attempt, retries included', async () => {
    const limiter = countingLimiter();
    const { roundTrip, calls } = scripted(
      status(429, { 'retry-after': '0' }),
      status(500, { 'retry-after': '0' }),
      ok(),
    );
    await fakeClient(roundTrip, { rateLimiter: limiter }).get().resource('pods').do();
    expect(calls).toHaveLength(3);
    expect(limiter.waits).toBe(3);
  });

  it('asks the per-host backoff before each attempt and tells it every outcome', async () => {
    const log: string[] = [];
    const backoff: URLBackoffManager = {
      calculateBackoff: (url) => {
        log.push(`calculate ${url.pathname}`);
        return 0;
      },
      updateBackoff: (_url, code) => {
        log.push(`update ${code}`);
      },
    };
    const { roundTrip } = scripted(status(503, { 'retry-after': '0' }), ok());
    await fakeClient(roundTrip, { urlBackoff: backoff }).get().resource('pods').do();
    expect(log).toEqual(['calculate /api/v1/pods', 'update 503', 'calculate /api/v1/pods', 'update 200']);
  });

  it.each([
    ['a JSON object', { kind: 'ConfigMap', data: { a: '1' } }, '{"kind":"ConfigMap","data":{"a":"1"}}'],
    ['a string', 'plain text', 'plain text'],
    ['bytes', new TextEncoder().encode('raw bytes'), 'raw bytes'],
  ])('resends the whole body (%s) of a POST on retry', async (_what, body, sent) => {
    const { rc, requests } = await serve((_r, res, i) =>
      i === 0 ? json(res, 503, { kind: 'Status', code: 503 }, { 'retry-after': '0' }) : json(res, 201, {}),
    );
    const result = await rc.post().namespace('ns').resource('configmaps').body(body).do();
    expect(result.statusCode).toBe(201);
    expect(requests.map((r) => r.body)).toEqual([sent, sent]);
    expect(requests[1]!.headers['content-type']).toBe(requests[0]!.headers['content-type']);
  });

  it('does not retry a streamed body, which cannot be sent twice', async () => {
    const { rc, requests } = await serve((_r, res) =>
      json(res, 429, { kind: 'Status', code: 429 }, { 'retry-after': '0' }),
    );
    const err = await rejection(
      rc
        .post()
        .resource('configmaps')
        .body(Readable.from(['{"a":', '1}']))
        .do(),
    );
    expect((err as StatusError).code).toBe(429);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toBe('{"a":1}');
  });
});

describe('connection resets (client-go retries GETs only)', () => {
  /** The error the real transport raises when the server drops the connection without answering. */
  async function realReset(): Promise<Error> {
    const server = await startFakeServer((_r, res) => {
      res.socket?.destroy();
    });
    try {
      const roundTrip = roundTripFor({ host: server.url, proxy: false });
      return (await rejection(
        roundTrip({ method: 'GET', url: new URL(`${server.url}/api/v1/pods`), headers: {} }),
      )) as Error;
    } finally {
      await server.close();
    }
  }

  it.each([
    { verb: 'GET', retried: true },
    { verb: 'POST', retried: false },
    { verb: 'PUT', retried: false },
    { verb: 'PATCH', retried: false },
    { verb: 'DELETE', retried: false },
  ] as const)('$verb after a reset: retried $retried (after 1 s)', async ({ verb, retried }) => {
    const reset = await realReset();
    expect(reset).toBeInstanceOf(TransportError);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { roundTrip, calls } = scripted(reset, ok());
    const req = fakeClient(roundTrip).verb(verb, verb === 'PATCH' ? 'application/merge-patch+json' : undefined);
    if (verb !== 'GET') req.body({ kind: 'Pod' });
    const outcome = req
      .resource('pods')
      .name('p')
      .do()
      .then(
        (r) => r.statusCode,
        (e: unknown) => e,
      );
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    if (retried) {
      expect(calls).toHaveLength(2);
      expect(await outcome).toBe(200);
    } else {
      expect(calls).toHaveLength(1);
      expect(await outcome).toBe(reset);
    }
  });

  it('gives up on resets after maxRetries', async () => {
    const reset = await realReset();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { roundTrip, calls } = scripted(reset);
    const outcome = rejection(fakeClient(roundTrip, { maxRetries: 2 }).get().resource('pods').do());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toBe(reset);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a refused connection', async () => {
    let attempts = 0;
    const rc = restClientFor({
      host: 'http://127.0.0.1:1',
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      proxy: false,
      middleware: [
        (req, next) => {
          attempts++;
          return next(req);
        },
      ],
    });
    const err = await rejection(rc.get().resource('pods').do());
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(attempts).toBe(1);
  });
});

describe('timeouts', () => {
  it.each([
    [500, '0.5s'],
    [1500, '1.5s'],
    [90_000, '90s'],
  ])('timeout(%i) is sent as a Go duration the server can parse (%s)', async (ms, param) => {
    const { roundTrip, calls } = scripted(ok());
    await fakeClient(roundTrip).get().resource('pods').timeout(ms).do();
    expect(calls[0]!.url.searchParams.get('timeout')).toBe(param);
  });

  it('config.timeoutMs aborts a request the server never answers', async () => {
    const { rc } = await serve(() => {}, { timeoutMs: 80 });
    const err = await rejection(rc.get().resource('pods').do());
    expect(err).toBeInstanceOf(RequestAbortedError);
  });

  it('config.timeout, the deprecated alias, still works and wins over timeoutMs', async () => {
    const { rc } = await serve(() => {}, { timeout: 80, timeoutMs: 600_000 });
    const err = await rejection(rc.get().resource('pods').do());
    expect(err).toBeInstanceOf(RequestAbortedError);
  });

  it('a per-request timeout wins over config.timeoutMs', async () => {
    const { rc } = await serve(() => {}, { timeoutMs: 60_000 });
    const err = await rejection(rc.get().resource('pods').timeout(80).do());
    expect(err).toBeInstanceOf(RequestAbortedError);
  });

  it('starts the timeout after the first rate-limiter wait, so throttling alone never times a request out', async () => {
    const limiter = countingLimiter(150);
    const { roundTrip, calls } = scripted((req) => {
      req.signal?.throwIfAborted();
      return ok();
    });
    const result = await fakeClient(roundTrip, { rateLimiter: limiter, timeoutMs: 60 }).get().resource('pods').do();
    expect(result.statusCode).toBe(200);
    expect(limiter.waits).toBe(1);
    expect(calls[0]!.signal?.aborted).toBe(false);
  });

  it('does not apply config.timeoutMs to watches', async () => {
    const { rc } = await serve(
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        setTimeout(() => res.end('{"type":"ADDED","object":{"metadata":{"name":"late"}}}\n'), 150);
      },
      { timeoutMs: 50 },
    );
    const w = await rc.get().resource('pods').watch<{ metadata: { name: string } }>();
    const names: string[] = [];
    for await (const ev of w) names.push(ev.object.metadata.name);
    expect(names).toEqual(['late']);
  });

  it('throttles do() and stream() but not the first attempt of a watch', async () => {
    const limiter = countingLimiter();
    const { rc } = await serve(
      (r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(r.url.includes('watch=true') ? '' : '{}');
      },
      { rateLimiter: limiter },
    );
    await rc.get().resource('pods').do();
    expect(limiter.waits).toBe(1);
    (await rc.get().resource('pods').stream()).resume();
    expect(limiter.waits).toBe(2);
    const w = await rc.get().resource('pods').watch();
    for await (const _ of w) {
      // drain
    }
    expect(limiter.waits).toBe(2);
  });
});

describe('error bodies (client-go transformResponse)', () => {
  it.each([
    {
      what: 'a Status keeps its own reason and message',
      res: answer(
        404,
        { 'content-type': 'application/json' },
        JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "p" not found' }),
      ),
      code: 404,
      reason: 'NotFound',
      message: 'pods "p" not found',
    },
    {
      what: 'a Status without a code takes the HTTP one',
      res: answer(
        409,
        { 'content-type': 'application/json' },
        JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'stale' }),
      ),
      code: 409,
      reason: 'Conflict',
      message: 'stale',
    },
    {
      what: 'plain text on a 500 is quoted, trimmed',
      res: answer(500, { 'content-type': 'text/plain' }, '  etcd is down\n'),
      code: 500,
      reason: StatusReason.InternalError,
      message: 'an error on the server ("etcd is down") has prevented the request from succeeding (get pods "p")',
    },
    {
      what: 'HTML from a proxy without a content type is quoted',
      res: answer(502, {}, '<html>Bad Gateway</html>'),
      code: 502,
      reason: StatusReason.InternalError,
      message:
        'an error on the server ("<html>Bad Gateway</html>") has prevented the request from succeeding (get pods "p")',
    },
    {
      what: 'JSON that is not a Status is not quoted',
      res: answer(500, { 'content-type': 'application/json' }, '{"error":"x"}'),
      code: 500,
      reason: StatusReason.InternalError,
      message: 'an error on the server ("unknown") has prevented the request from succeeding (get pods "p")',
    },
    {
      what: 'binary bodies are not quoted',
      res: answer(500, { 'content-type': 'application/vnd.kubernetes.protobuf' }, 'k8s\u0000\u0001'),
      code: 500,
      reason: StatusReason.InternalError,
      message: 'an error on the server ("unknown") has prevented the request from succeeding (get pods "p")',
    },
    {
      what: 'a 503 gets its own reason',
      res: answer(503, { 'content-type': 'text/plain' }, 'overloaded'),
      code: 503,
      reason: StatusReason.ServiceUnavailable,
      message: 'the server is currently unable to handle the request (get pods "p")',
    },
    {
      what: 'an unknown 4xx has no reason',
      res: answer(418, {}, ''),
      code: 418,
      reason: '',
      message: 'the server responded with the status code 418 but did not return more information (get pods "p")',
    },
    {
      what: 'an empty 401 is Unauthorized',
      res: answer(401, {}, ''),
      code: 401,
      reason: StatusReason.Unauthorized,
      message: 'the server has asked for the client to provide credentials (get pods "p")',
    },
  ])('$what', async ({ res, code, reason, message }) => {
    const { roundTrip } = scripted(res);
    const err = await rejection(fakeClient(roundTrip).get().resource('pods').name('p').do());
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(code);
    expect((err as StatusError).reason).toBe(reason);
    expect((err as StatusError).message).toBe(message);
  });

  it('quotes at most 2048 bytes of a long body', async () => {
    const { roundTrip } = scripted(answer(500, { 'content-type': 'text/plain' }, 'x'.repeat(5000)));
    const err = (await rejection(fakeClient(roundTrip).get().resource('pods').do())) as StatusError;
    expect(err.message).toContain(`"${'x'.repeat(2048)}"`);
    expect(err.message).not.toContain('x'.repeat(2049));
  });

  it('keeps the Retry-After of an answer that was not retried, for the caller', async () => {
    const { roundTrip } = scripted(
      answer(429, {
        'retry-after': '3',
      }),
    );
    const err = await rejection(fakeClient(roundTrip, { maxRetries: 0 }).get().resource('pods').do());
    expect((err as StatusError).retryAfterSeconds).toBe(3);
    expect(suggestsClientDelay(err)).toBe(3);
  });

  it('a Status body keeps its own retryAfterSeconds over the header', async () => {
    const body = JSON.stringify({
      kind: 'Status',
      code: 429,
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 9 },
    });
    const { roundTrip } = scripted(answer(429, { 'content-type': 'application/json', 'retry-after': '2' }, body));
    const err = await rejection(fakeClient(roundTrip, { maxRetries: 0 }).get().resource('pods').do());
    expect((err as StatusError).retryAfterSeconds).toBe(9);
  });

  it('stream() turns a refusal into the same StatusError', async () => {
    const { roundTrip } = scripted(answer(500, { 'content-type': 'text/plain' }, 'no logs'));
    const err = await rejection(fakeClient(roundTrip).get().resource('pods').name('p').subResource('log').stream());
    expect((err as StatusError).message).toContain('("no logs")');
  });

  it('Result: status code, headers and body; into() names non-JSON bodies with a SyntaxError', async () => {
    const { roundTrip } = scripted(answer(201, { 'content-type': 'text/plain', 'x-extra': 'yes' }, 'not json'));
    const result = await fakeClient(roundTrip).post().resource('pods').body({}).do();
    expect(result.statusCode).toBe(201);
    expect(result.headers['x-extra']).toBe('yes');
    expect(result.raw().toString()).toBe('not json');
    expect(() => result.into()).toThrow(SyntaxError);
  });
});

describe('Warning headers', () => {
  it.each([
    { header: '299 - "text"', want: [{ code: 299, agent: '-', text: 'text' }] },
    { header: '299 - "text\\"\\\\\\a\\b\\c"', want: [{ code: 299, agent: '-', text: 'text"\\abc' }] },
    { header: '321 - "text"', want: [{ code: 321, agent: '-', text: 'text' }] },
    { header: '299 kube-apiserver "a, b"', want: [{ code: 299, agent: 'kube-apiserver', text: 'a, b' }] },
    { header: '  299 - "padded"  ', want: [{ code: 299, agent: '-', text: 'padded' }] },
    { header: '299 - "dated" "Tue, 15 Nov 1994 08:12:31 GMT"', want: [{ code: 299, agent: '-', text: 'dated' }] },
    { header: '299 - "dated" "Tue, 15 Nov 1994 08:12:31 GMT" , ', want: [{ code: 299, agent: '-', text: 'dated' }] },
    { header: '299 - "ünïcödé ⛔"', want: [{ code: 299, agent: '-', text: 'ünïcödé ⛔' }] },
    { header: '299 - "one",299 - "two"', want: ['one', 'two'] },
    { header: ' 299 - "one" ,  299 - "two" ', want: ['one', 'two'] },
    { header: '299 - "kept", 299 - "unterminated', want: ['kept'] },
    { header: '299 - "kept", garbage', want: ['kept'] },
    { header: '', want: [] },
    { header: 'A B', want: [] },
    { header: '1 - "short code"', want: [] },
    { header: 'A - "letter code"', want: [] },
    { header: '299 - "text" "Tue, 15 Nov 1994 08:12:31 GMT', want: [] },
    { header: '299 - "text" "Tue, 15 Nov 1994 08:12:31 GMT" other', want: [] },
    { header: '299 - "bad" junk, 299 - "after junk"', want: [] },
    { header: '299 agent\u0000name "text"', want: [] },
    { header: '299 - "control\u0007char"', want: [] },
  ])('parses $header', ({ header, want }) => {
    const got = parseWarningHeaders([header]);
    if (want.every((w) => typeof w === 'string')) expect(got.map((w) => w.text)).toEqual(want);
    else expect(got).toEqual(want);
  });

  it('parses every value of a multi-value header, skipping only the rest of a broken value', () => {
    const got = parseWarningHeaders([
      '299 - "warning 1.1",299 - "warning 1.2"',
      '299 - "warning 2", 299 - "warning unquoted',
      ' 299 - "warning 3.1" ,  299 - "warning 3.2" ',
    ]);
    expect(got.map((w) => w.text)).toEqual(['warning 1.1', 'warning 1.2', 'warning 2', 'warning 3.1', 'warning 3.2']);
  });

  it('the deduplicating handler prints each non-empty 299 text once, as client-go NewWarningWriter', () => {
    const lines: string[] = [];
    const h = newDeduplicatingWarningHandler((l) => lines.push(l));
    h.handleWarningHeader(299, '-', 'first');
    h.handleWarningHeader(299, 'other-agent', 'first');
    h.handleWarningHeader(199, '-', 'not a 299');
    h.handleWarningHeader(299, '-', '');
    h.handleWarningHeader(299, '-', 'second');
    expect(lines).toEqual(['Warning: first', 'Warning: second']);
  });

  it('hands every warning of a response to the handler, several header lines and error answers included', async () => {
    const seen: string[] = [];
    const { rc } = await serve(
      (_r, res) => {
        res.setHeader('Warning', ['299 - "one", 199 agent "two"', '299 - "three"']);
        json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound' });
      },
      { warningHandler: { handleWarningHeader: (code, agent, text) => seen.push(`${code} ${agent} ${text}`) } },
    );
    await rejection(rc.get().resource('pods').name('p').do());
    expect(seen).toEqual(['299 - one', '199 agent two', '299 - three']);
  });

  it('reports only the warnings of the answer it returns, not of retried ones', async () => {
    const seen: string[] = [];
    const { roundTrip } = scripted(
      answer(429, { 'retry-after': '0', warning: '299 - "from the retried answer"' }),
      answer(200, { 'content-type': 'application/json', warning: '299 - "from the final answer"' }, '{}'),
    );
    const result = await fakeClient(roundTrip, {
      warningHandler: { handleWarningHeader: (_c, _a, text) => seen.push(text) },
    })
      .get()
      .resource('pods')
      .do();
    expect(result.warnings).toEqual(['from the final answer']);
    expect(seen).toEqual(['from the final answer']);
  });

  it('reports the warnings of an accepted watch', async () => {
    const seen: string[] = [];
    const { rc } = await serve(
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', warning: '299 - "watch is deprecated"' });
        res.end();
      },
      { warningHandler: { handleWarningHeader: (_c, _a, text) => seen.push(text) } },
    );
    for await (const _ of await rc.get().resource('pods').watch()) {
      // drain
    }
    expect(seen).toEqual(['watch is deprecated']);
  });
});

describe('User-Agent', () => {
  it('defaults to <name>/<version> (<os>/<arch>) node/<version>, Go architecture names', async () => {
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), { userAgent: '' });
    await rc.get().resource('pods').do();
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    expect(defaultUserAgent()).toBe(
      `kube-client/${KUBE_CLIENT_VERSION} (${process.platform}/${arch}) node/${process.version}`,
    );
    expect(requests[0]!.headers['user-agent']).toBe(defaultUserAgent());
  });

  it('a User-Agent set on the request wins over the config', async () => {
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), { userAgent: 'from-config/1' });
    await rc.get().resource('pods').setHeader('User-Agent', 'from-request/2').do();
    expect(requests[0]!.headers['user-agent']).toBe('from-request/2');
  });
});

describe('credentials on the wire', () => {
  const basic = (h: string | undefined) => Buffer.from((h ?? '').replace(/^Basic /, ''), 'base64').toString();

  it.each([
    { username: 'user', password: 'pass', decoded: 'user:pass' },
    { username: 'user', password: undefined, decoded: 'user:' },
    { username: 'user', password: '', decoded: 'user:' },
  ])('basic auth $username/$password', async ({ username, password, decoded }) => {
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), { username, password });
    await rc.get().resource('pods').do();
    expect(requests[0]!.headers.authorization).toMatch(/^Basic /);
    expect(basic(requests[0]!.headers.authorization)).toBe(decoded);
  });

  it('sends a static bearer token as is', async () => {
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), { bearerToken: 'static-token' });
    await rc.get().resource('pods').do();
    expect(requests[0]!.headers.authorization).toBe('Bearer static-token');
  });

  it.each([
    ['a bearer token', { bearerToken: 'config-token' }],
    ['basic auth', { username: 'u', password: 'p' }],
  ])('an Authorization header set on the request wins over %s', async (_what, auth) => {
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), auth);
    await rc.get().resource('pods').setHeader('Authorization', 'Bearer per-request').do();
    expect(requests[0]!.headers.authorization).toBe('Bearer per-request');
  });
});

describe('bearer token file (client-go CachedFileTokenSource)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'token');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function authAfter(config: Partial<Config>, steps: Array<() => void>): Promise<Array<string | undefined>> {
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), config);
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const step of steps) {
      step();
      await rc.get().resource('pods').do();
    }
    return requests.map((r) => r.headers.authorization);
  }

  it('trims the file and re-reads it once the cached token is 50 s old (1 min period, 10 s leeway)', async () => {
    writeFileSync(file, '  first\n');
    const auth = await authAfter({ bearerTokenFile: file }, [
      () => {},
      () => {
        writeFileSync(file, 'second\n');
        vi.setSystemTime(Date.now() + 49_000);
      },
      () => vi.setSystemTime(Date.now() + 2_000),
    ]);
    expect(auth).toEqual(['Bearer first', 'Bearer first', 'Bearer second']);
  });

  it.each([
    ['removed', () => rmSync(file)],
    ['emptied', () => writeFileSync(file, '\n')],
  ])('keeps the last good token when the file is %s', async (_what, spoil) => {
    writeFileSync(file, 'good');
    const auth = await authAfter({ bearerTokenFile: file }, [
      () => {},
      () => {
        spoil();
        vi.setSystemTime(Date.now() + 120_000);
      },
    ]);
    expect(auth).toEqual(['Bearer good', 'Bearer good']);
  });

  it('refuses an empty token file instead of sending an empty token', async () => {
    writeFileSync(file, '  \n');
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), { bearerTokenFile: file });
    const err = await rejection(rc.get().resource('pods').do());
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(file);
    expect(requests).toHaveLength(0);
  });

  it('the file wins over bearerToken, which is the fallback while the file cannot be read', async () => {
    writeFileSync(file, 'from-file');
    const { rc, requests } = await serve((_r, res) => json(res, 200, {}), {
      bearerToken: 'from-config',
      bearerTokenFile: file,
    });
    await rc.get().resource('pods').do();
    const missing = join(dir, 'missing');
    const rc2 = restClientFor({ ...rc.config, bearerTokenFile: missing });
    await rc2.get().resource('pods').do();
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer from-file', 'Bearer from-config']);
  });
});

describe('impersonation (client-go impersonatingRoundTripper)', () => {
  it('sends one header line per group and per extra value, the extra key escaped', async () => {
    const raw: string[][] = [];
    const { rc } = await serve(
      (_r, res) => {
        raw.push(res.req.rawHeaders);
        json(res, 200, {});
      },
      {
        impersonate: {
          userName: 'jane',
          uid: 'uid-a',
          groups: ['one', 'two'],
          extra: { first: ['A', 'a'], 'example.com/two%20three': ['x'], 'scope(s)': ['y'] },
        },
      },
    );
    await rc.get().resource('pods').do();
    const lines = raw[0]!;
    expect(headerLines(lines, 'impersonate-user')).toEqual(['jane']);
    expect(headerLines(lines, 'impersonate-uid')).toEqual(['uid-a']);
    expect(headerLines(lines, 'impersonate-group')).toEqual(['one', 'two']);
    expect(headerLines(lines, 'impersonate-extra-first')).toEqual(['A', 'a']);
    expect(headerLines(lines, 'impersonate-extra-example.com%2ftwo%2520three')).toEqual(['x']);
    expect(headerLines(lines, 'impersonate-extra-scope%28s%29')).toEqual(['y']);
  });

  it('leaves impersonation alone when the request already impersonates someone', async () => {
    const raw: string[][] = [];
    const { rc } = await serve(
      (_r, res) => {
        raw.push(res.req.rawHeaders);
        json(res, 200, {});
      },
      { impersonate: { userName: 'from-config', groups: ['g'] } },
    );
    await rc.get().resource('pods').setHeader('Impersonate-User', 'from-request').do();
    expect(headerLines(raw[0]!, 'impersonate-user')).toEqual(['from-request']);
    expect(headerLines(raw[0]!, 'impersonate-group')).toEqual([]);
  });
});

describe('credentials never appear in errors or logs', () => {
  const secrets = ['pw-secret', 'query-secret', 'token-secret'];
  const text = (err: unknown) =>
    [String(err), (err as { url?: string }).url ?? '', String((err as { cause?: unknown }).cause ?? '')].join('\n');

  it('a failed connection names the URL without userinfo, query or token', async () => {
    const rc = restClientFor({
      host: 'http://admin:pw-secret@127.0.0.1:1',
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      proxy: false,
      bearerToken: 'token-secret',
    });
    const err = await rejection(rc.get().resource('pods').param('access_token', 'query-secret').do());
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).url).toBe('http://127.0.0.1:1/api/v1/pods');
    for (const s of secrets) expect(text(err)).not.toContain(s);
  });

  it('a timed-out request names the URL without its query', async () => {
    const { rc } = await serve(() => {}, { bearerToken: 'token-secret' });
    const err = await rejection(rc.get().resource('pods').param('access_token', 'query-secret').timeout(50).do());
    expect(err).toBeInstanceOf(RequestAbortedError);
    for (const s of secrets) expect(text(err)).not.toContain(s);
  });

  it('the client-side throttling notice names the path only', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const lines: string[] = [];
    const limiter: RateLimiter = {
      tryAccept: () => false,
      wait: async () => {
        vi.advanceTimersByTime(1500);
      },
      qps: () => 1,
      stop: () => {},
    };
    const { roundTrip } = scripted(ok());
    const rc = restClientFor(
      {
        host: 'https://admin:pw-secret@api.test:6443',
        groupVersion: { group: '', version: 'v1' },
        rateLimiter: limiter,
        logger: (l) => lines.push(l),
      },
      { roundTrip },
    );
    await rc.get().resource('pods').param('access_token', 'query-secret').do();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('request: GET:https://api.test:6443/api/v1/pods');
    for (const s of secrets) expect(lines[0]).not.toContain(s);
  });

  it('an error answer does not quote the query', async () => {
    const { roundTrip } = scripted(answer(403, {}, ''));
    const err = await rejection(fakeClient(roundTrip).get().resource('secrets').param('token', 'query-secret').do());
    expect(text(err)).not.toContain('query-secret');
  });
});

describe('exec plugin after a 401', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    clearExecCredentialCache();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A plugin printing token `tok-<run number>`. */
  function plugin(): { command: string; runs: () => number } {
    const command = join(dir, 'plugin.mjs');
    const counter = join(dir, 'runs');
    writeFileSync(
      command,
      `#!${process.execPath}
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const runs = existsSync(${JSON.stringify(counter)}) ? Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1 : 1;
writeFileSync(${JSON.stringify(counter)}, String(runs));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'tok-' + runs } }));
`,
    );
    chmodSync(command, 0o755);
    return { command, runs: () => Number(readFileSync(counter, 'utf8')) };
  }
  const exec = (command: string) =>
    ({ apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' }) as const;

  it('refreshes once and resends the body, then returns a second 401 to the caller', async () => {
    const { command, runs } = plugin();
    const { rc, requests } = await serve(
      (_r, res) => json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized' }),
      {
        execProvider: exec(command),
      },
    );
    const err = await rejection(rc.post().resource('configmaps').body({ kind: 'ConfigMap' }).do());
    expect(isUnauthorized(err)).toBe(true);
    expect(runs()).toBe(2);
    expect(requests.map((r) => [r.headers.authorization, r.body])).toEqual([
      ['Bearer tok-1', '{"kind":"ConfigMap"}'],
      ['Bearer tok-2', '{"kind":"ConfigMap"}'],
    ]);
  });

  it('does not resend a streamed body after a 401, but refreshes for the next request', async () => {
    const { command, runs } = plugin();
    const { rc, requests } = await serve(
      (r, res) =>
        r.headers.authorization === 'Bearer tok-1'
          ? json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized' })
          : json(res, 200, {}),
      { execProvider: exec(command) },
    );
    const err = await rejection(
      rc
        .post()
        .resource('configmaps')
        .body(Readable.from(['{}']))
        .do(),
    );
    expect(isUnauthorized(err)).toBe(true);
    expect(requests).toHaveLength(1);
    await rc.get().resource('configmaps').do();
    expect(runs()).toBe(2);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });
});

describe('RESTClientPool', () => {
  it('one client per group version, all on one limiter and one round trip', async () => {
    const server = await startFakeServer((_r, res) => json(res, 200, {}));
    closeServer = server.close;
    const pool = new RESTClientPool({ host: server.url, qps: 1, burst: 2, proxy: false }, (c) => ({
      ...c,
      acceptContentTypes: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    }));
    const core = pool.forGroupVersion({ group: '', version: 'v1' });
    const apps = pool.forGroupVersion({ group: 'apps', version: 'v1' });
    expect(pool.forGroupVersion({ group: 'apps', version: 'v1' })).toBe(apps);
    expect(core.rateLimiter).toBe(pool.rateLimiter);
    expect(apps.rateLimiter).toBe(pool.rateLimiter);
    await core.get().resource('pods').do();
    await apps.get().resource('deployments').do();
    expect(pool.rateLimiter.tryAccept()).toBe(false); // the burst of 2 is spent across both clients
    expect(server.requests.map((r) => r.url)).toEqual(['/api/v1/pods', '/apis/apps/v1/deployments']);
    expect(server.requests[0]!.headers.accept).toContain('as=PartialObjectMetadata');
  });
});
