// exec and attach against protocol-level test servers: sub-protocol negotiation (v5 down to v1 in
// one offer, as a v1.20 kubelet and a v1.29+ apiserver answer), streams, exit codes, resize,
// abort, and every kind of bad answer ending in a typed error with the socket closed.
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { isForbidden, isNotFound, StatusError } from '../../../../src/apimachinery/errors.js';
import { RequestAbortedError, StreamInterruptedError, StreamProtocolError } from '../../../../src/rest/errors.js';
import {
  attach,
  CodeExitError,
  decodeErrorChannel,
  exec,
  execText,
  pushTerminalSizeQueue,
  STREAM_PROTOCOL_V2,
  STREAM_PROTOCOL_V4,
  STREAM_PROTOCOL_V5,
  STREAM_PROTOCOLS,
  terminalSizeQueueFor,
} from '../../../../src/tools/remotecommand/index.js';
import {
  type ChannelServer,
  eventually,
  exitStatus,
  KUBELET_120_PROTOCOLS,
  sendFrame,
  startChannelServer,
  type WebSocket,
} from '../../../support/channel-server.js';

let server: ChannelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sink(): { stream: Writable; data(): Buffer } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    }),
    data: () => Buffer.concat(chunks),
  };
}

const target = { namespace: 'ns', pod: 'web' };

/** Plays `sh -c 'cat; echo err >&2; exit N'`: echoes stdin until its close signal (v5) or n bytes. */
function catServer(exitCode: number, opts: { untilBytes?: number } = {}) {
  return (ws: WebSocket, protocol: string) => {
    sendFrame(ws, 1); // the kubelet's "connection established" empty frame
    let seen = 0;
    const finish = () => {
      sendFrame(ws, 2, 'err\n');
      sendFrame(
        ws,
        3,
        protocol.startsWith('v4') || protocol.startsWith('v5')
          ? exitStatus(exitCode)
          : exitCode
            ? `exit ${exitCode}`
            : '',
      );
      ws.close(1000);
    };
    ws.on('message', (m: Buffer) => {
      if (m[0] === 255 && m[1] === 0) return finish();
      if (m[0] === 0) {
        sendFrame(ws, 1, m.subarray(1));
        seen += m.length - 1;
        if (opts.untilBytes !== undefined && seen >= opts.untilBytes) finish();
      }
    });
  };
}

describe('exec: negotiation and streams', () => {
  it('offers v5 down to v1 in one handshake and uses v5 (close signal ends stdin) when the server speaks it', async () => {
    server = await startChannelServer(() => ({ accept: catServer(3) }));
    const out = sink();
    const err = sink();
    const input = randomBytes(1024 * 1024);
    const p = exec(
      { host: server.url },
      {
        ...target,
        command: ['sh', '-c', 'cat; echo err >&2; exit 3'],
        stdin: Readable.from([input]),
        stdout: out.stream,
        stderr: err.stream,
      },
    );
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CodeExitError);
    expect((e as CodeExitError).exitCode).toBe(3);
    expect(out.data().equals(input)).toBe(true);
    expect(err.data().toString()).toBe('err\n');
    const seen = server.upgrades[0]!;
    expect(seen.offered).toEqual([...STREAM_PROTOCOLS]);
    expect(seen.url.pathname).toBe('/api/v1/namespaces/ns/pods/web/exec');
    expect(seen.url.searchParams.getAll('command')).toEqual(['sh', '-c', 'cat; echo err >&2; exit 3']);
    expect(Object.fromEntries([...seen.url.searchParams].filter(([k]) => k !== 'command'))).toEqual({
      stdin: 'true',
      stdout: 'true',
      stderr: 'true',
    });
    await eventually(() => server!.openSockets() === 0);
  });

  it('falls back to v4 with a v1.20 kubelet: exit 0 resolves, the Status carries NonZeroExitCode otherwise', async () => {
    server = await startChannelServer(() => ({ accept: catServer(0, { untilBytes: 5 }) }), {
      speaks: KUBELET_120_PROTOCOLS,
    });
    const out = sink();
    const result = await exec(
      { host: server.url },
      { ...target, command: ['cat'], stdin: Readable.from([Buffer.from('hello')]), stdout: out.stream },
    );
    expect(result.protocol).toBe(STREAM_PROTOCOL_V4);
    expect(out.data().toString()).toBe('hello');
  });

  it('is refused with 403 by a v1.20 kubelet when only v5 is offered', async () => {
    server = await startChannelServer(() => ({ accept: catServer(0) }), { speaks: KUBELET_120_PROTOCOLS });
    const e = await exec({ host: server.url }, { ...target, command: ['true'], protocols: [STREAM_PROTOCOL_V5] }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(StatusError);
    expect(isForbidden(e)).toBe(true);
    expect((e as Error).message).toContain('requested protocol(s) are not supported');
  });

  it('treats v1/v2 error text as a StatusError with that message and an empty error channel as success', async () => {
    server = await startChannelServer(
      () => ({
        accept: (ws) => {
          sendFrame(ws, 3, 'container not running');
          ws.close(1000);
        },
      }),
      { speaks: [STREAM_PROTOCOL_V2] },
    );
    const e = await exec({ host: server.url }, { ...target, command: ['x'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StatusError);
    expect((e as Error).message).toBe('error executing remote command: container not running');
  });

  it('sends terminal sizes on channel 4 (v3+) and asks for no stderr with a tty', async () => {
    const sizes: unknown[] = [];
    server = await startChannelServer(() => ({
      accept: (ws) => {
        ws.on('message', (m: Buffer) => {
          if (m[0] !== 4) return;
          sizes.push(JSON.parse(m.subarray(1).toString()));
          if (sizes.length === 2) {
            sendFrame(ws, 3, exitStatus(0));
            ws.close(1000);
          }
        });
      },
    }));
    const queue = pushTerminalSizeQueue({ width: 80, height: 24 });
    const p = exec(
      { host: server.url },
      { ...target, command: ['sh'], tty: true, stdout: sink().stream, stderr: sink().stream, terminalSizeQueue: queue },
    );
    await eventually(() => sizes.length === 1);
    queue.push({ width: 132, height: 43 });
    await p;
    expect(sizes).toEqual([
      { Width: 80, Height: 24 },
      { Width: 132, Height: 43 },
    ]);
    expect(server.upgrades[0]!.url.searchParams.get('tty')).toBe('true');
    expect(server.upgrades[0]!.url.searchParams.get('stderr')).toBe(null);
  });

  it('reads a terminal size queue from a resizable terminal and lets go of it when the session ends', async () => {
    const listeners = new Set<() => void>();
    const term = {
      columns: 100,
      rows: 30,
      on: (_e: 'resize', l: () => void) => listeners.add(l),
      off: (_e: 'resize', l: () => void) => listeners.delete(l),
    };
    const sizes: unknown[] = [];
    server = await startChannelServer(() => ({
      accept: (ws) => {
        ws.on('message', (m: Buffer) => {
          if (m[0] !== 4) return;
          sizes.push(JSON.parse(m.subarray(1).toString()));
          if (sizes.length === 2) {
            sendFrame(ws, 3, exitStatus(0));
            ws.close(1000);
          }
        });
      },
    }));
    const p = exec(
      { host: server.url },
      { ...target, command: ['sh'], tty: true, stdout: sink().stream, terminalSizeQueue: terminalSizeQueueFor(term) },
    );
    await eventually(() => sizes.length === 1);
    term.columns = 120;
    for (const l of listeners) l();
    await p;
    expect(sizes).toEqual([
      { Width: 100, Height: 30 },
      { Width: 120, Height: 30 },
    ]);
    expect(listeners.size).toBe(0);
  });

  it('attaches with the attach URL', async () => {
    server = await startChannelServer(() => ({
      accept: (ws) => {
        sendFrame(ws, 1, 'running\n');
        sendFrame(ws, 3, exitStatus(0));
        ws.close(1000);
      },
    }));
    const out = sink();
    await attach({ host: server.url }, { ...target, container: 'main', stdout: out.stream });
    expect(out.data().toString()).toBe('running\n');
    expect(server.upgrades[0]!.url.pathname).toBe('/api/v1/namespaces/ns/pods/web/attach');
    expect(server.upgrades[0]!.url.searchParams.get('container')).toBe('main');
  });

  it('attach without stdin on a pre-v5 server: v5 alone with the streams asked for, then v4 with stdin asked for and never written', async () => {
    const received: Buffer[] = [];
    server = await startChannelServer(
      () => ({
        accept: (ws) => {
          ws.on('message', (m: Buffer) => received.push(m));
          sendFrame(ws, 1);
          sendFrame(ws, 1, 'line 1\n');
          setTimeout(() => {
            sendFrame(ws, 3, exitStatus(0));
            ws.close(1000);
          }, 50);
        },
      }),
      { speaks: KUBELET_120_PROTOCOLS },
    );
    const out = sink();
    const r = await attach({ host: server.url }, { ...target, stdout: out.stream });
    expect(r.protocol).toBe(STREAM_PROTOCOL_V4);
    expect(out.data().toString()).toBe('line 1\n');
    expect(server.upgrades.map((u) => u.offered)).toEqual([[STREAM_PROTOCOL_V5], STREAM_PROTOCOLS.slice(1)]);
    expect(server.upgrades.map((u) => u.url.searchParams.get('stdin'))).toEqual([null, 'true']);
    expect(server.upgrades.map((u) => u.url.searchParams.get('stdout'))).toEqual(['true', 'true']);
    expect(received.filter((m) => m[0] === 0)).toEqual([]);
  });

  it('attach without stdin on a v5 server: one handshake, no stdin asked for', async () => {
    server = await startChannelServer(
      () => ({
        accept: (ws) => {
          sendFrame(ws, 1, 'x');
          sendFrame(ws, 3, exitStatus(0));
          ws.close(1000);
        },
      }),
      { speaks: [STREAM_PROTOCOL_V5, ...KUBELET_120_PROTOCOLS] },
    );
    const r = await attach({ host: server.url }, { ...target, stdout: sink().stream });
    expect(r.protocol).toBe(STREAM_PROTOCOL_V5);
    expect(server.upgrades).toHaveLength(1);
    expect(server.upgrades[0]!.url.searchParams.get('stdin')).toBeNull();
  });

  it('attach with stdin: one handshake offering every version; a refusal other than 403 is not retried', async () => {
    server = await startChannelServer(
      () => ({
        accept: (ws) => {
          sendFrame(ws, 3, exitStatus(0));
          ws.close(1000);
        },
      }),
      { speaks: KUBELET_120_PROTOCOLS },
    );
    await attach({ host: server.url }, { ...target, stdin: new PassThrough(), stdout: sink().stream });
    expect(server.upgrades.map((u) => u.offered)).toEqual([STREAM_PROTOCOLS]);
    expect(server.upgrades[0]!.url.searchParams.get('stdin')).toBe('true');
    await server.close();
    server = await startChannelServer(() => ({
      refuse: {
        status: 404,
        body: JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 }),
      },
    }));
    const e = await attach({ host: server.url }, { ...target, stdout: sink().stream }).catch((x: unknown) => x);
    expect(isNotFound(e)).toBe(true);
    expect(server.upgrades).toHaveLength(1);
  });

  it('asks for stdout and stderr when no stream is given (the server needs one) and still reports the exit code', async () => {
    server = await startChannelServer(() => ({
      accept: (ws) => {
        sendFrame(ws, 1, 'dropped');
        sendFrame(ws, 3, exitStatus(4));
        ws.close(1000);
      },
    }));
    const e = await exec({ host: server.url }, { ...target, command: ['false'] }).catch((x: unknown) => x);
    expect((e as CodeExitError).exitCode).toBe(4);
    const q = server.upgrades[0]!.url.searchParams;
    expect([q.get('stdout'), q.get('stderr'), q.get('stdin')]).toEqual(['true', 'true', null]);
  });

  it('execText collects stdout and stderr and reports the exit code', async () => {
    server = await startChannelServer(() => ({ accept: catServer(7) }));
    const r = await execText({ host: server.url }, { ...target, command: ['cat'], stdin: 'abc' });
    expect(r).toEqual({ stdout: 'abc', stderr: 'err\n', exitCode: 7 });
  });

  it('waits for a slow stdout (backpressure) and delivers every byte', async () => {
    const payload = randomBytes(4 * 1024 * 1024);
    server = await startChannelServer(() => ({
      accept: (ws) => {
        for (let i = 0; i < payload.length; i += 32 * 1024) sendFrame(ws, 1, payload.subarray(i, i + 32 * 1024));
        sendFrame(ws, 3, exitStatus(0));
        ws.close(1000);
      },
    }));
    const out = new PassThrough({ highWaterMark: 16 * 1024 });
    const chunks: Buffer[] = [];
    const reading = (async () => {
      for await (const c of out) {
        chunks.push(c as Buffer);
        if (chunks.length % 16 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await exec({ host: server.url }, { ...target, command: ['cat', 'big'], stdout: out });
    out.end();
    await reading;
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });
});

describe('exec: refusals and bad answers are typed errors with the socket closed', () => {
  it('a non-101 answer with a Status body is that StatusError (missing pod)', async () => {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'pods "web" not found',
      reason: 'NotFound',
      code: 404,
    };
    server = await startChannelServer(() => ({
      refuse: { status: 404, body: JSON.stringify(status), contentType: 'application/json' },
    }));
    const e = await exec({ host: server.url, bearerToken: 'secret-token' }, { ...target, command: ['ls'] }).catch(
      (x: unknown) => x,
    );
    expect(isNotFound(e)).toBe(true);
    expect((e as Error).message).toBe('pods "web" not found');
    expect(JSON.stringify(e)).not.toContain('secret-token');
    await eventually(() => server!.openSockets() === 0);
  });

  it('a non-101 answer without a Status is a StatusError built from the code', async () => {
    server = await startChannelServer(() => ({
      refuse: { status: 400, body: 'container nope is not valid for pod web' },
    }));
    const e = await exec({ host: server.url }, { ...target, command: ['ls'], container: 'nope' }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(400);
    expect((e as Error).message).toContain('container nope is not valid for pod web');
  });

  it('a sub-protocol that was not offered is a StreamProtocolError', async () => {
    server = await startChannelServer(() => ({ accept: () => {}, protocol: 'v9.channel.k8s.io' }));
    const e = await exec({ host: server.url }, { ...target, command: ['ls'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StreamProtocolError);
    await eventually(() => server!.openSockets() === 0);
  });

  it('a frame on a channel the protocol has not opened is a StreamProtocolError', async () => {
    server = await startChannelServer(() => ({ accept: (ws) => sendFrame(ws, 7, 'what') }));
    const e = await exec({ host: server.url }, { ...target, command: ['ls'], stdout: sink().stream }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(StreamProtocolError);
    expect((e as Error).message).toContain('channel 7');
    await eventually(() => server!.openSockets() === 0);
  });

  it('a text message is a StreamProtocolError', async () => {
    server = await startChannelServer(() => ({ accept: (ws) => ws.send('1hello') }));
    const e = await exec({ host: server.url }, { ...target, command: ['ls'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StreamProtocolError);
  });

  it('a frame cut in the middle (connection dropped) is a StreamInterruptedError, after the data before it', async () => {
    server = await startChannelServer(() => ({
      accept: (ws) => {
        sendFrame(ws, 1, 'partial output');
        const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket;
        // A binary frame header announcing 100 bytes, then 3 of them, then the connection is gone.
        raw.write(Buffer.from([0x82, 100, 1, 0x61, 0x62]), () => raw.destroy());
      },
    }));
    const out = sink();
    const e = await exec({ host: server.url }, { ...target, command: ['cat'], stdout: out.stream }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(StreamInterruptedError);
    expect(out.data().toString()).toBe('partial output');
  });

  it.each([
    ['not JSON', '{"status":'],
    ['an unknown status', '{"status":"Maybe"}'],
    ['NonZeroExitCode without details', '{"status":"Failure","reason":"NonZeroExitCode"}'],
    [
      'NonZeroExitCode without an ExitCode cause',
      '{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[]}}',
    ],
    [
      'an exit code out of range',
      '{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"300"}]}}',
    ],
  ])('a malformed Status on the error channel (%s) is a StreamProtocolError', async (_what, status) => {
    server = await startChannelServer(() => ({
      accept: (ws) => {
        sendFrame(ws, 3, status);
        ws.close(1000);
      },
    }));
    const e = await exec({ host: server.url }, { ...target, command: ['ls'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StreamProtocolError);
  });

  it('a failure Status other than NonZeroExitCode is a StatusError', () => {
    const e = decodeErrorChannel(
      Buffer.from('{"status":"Failure","reason":"InternalError","message":"boom","code":500}'),
      true,
    );
    expect(e).toBeInstanceOf(StatusError);
    expect(e?.message).toBe('boom');
  });

  it('the abort signal ends the session, closes the socket and rejects with RequestAbortedError', async () => {
    server = await startChannelServer(() => ({ accept: (ws) => sendFrame(ws, 1) }));
    const stdin = new PassThrough();
    const ac = new AbortController();
    const p = exec(
      { host: server.url },
      { ...target, command: ['cat'], stdin, stdout: sink().stream, signal: ac.signal },
    );
    await eventually(() => server!.openSockets() === 1 && server!.upgrades.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort(new Error('enough'));
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RequestAbortedError);
    expect((e as Error).message).toContain('enough');
    await eventually(() => server!.openSockets() === 0);
    expect(stdin.listenerCount('data')).toBe(0);
  });

  it('an unreachable server is a TransportError naming no credentials', async () => {
    const e = await exec(
      { host: 'http://127.0.0.1:1', bearerToken: 'secret-token', username: 'u', password: 'pw-secret' },
      { ...target, command: ['ls'] },
    ).catch((x: unknown) => x);
    expect((e as Error).name).toBe('TransportError');
    expect(String((e as Error).message)).not.toMatch(/secret/);
  });

  it('refuses an empty command and path-changing names before sending anything', async () => {
    await expect(exec({ host: 'http://127.0.0.1:1' }, { ...target, command: [] })).rejects.toThrow(/command/);
    await expect(
      exec({ host: 'http://127.0.0.1:1' }, { namespace: 'ns', pod: '../x', command: ['ls'] }),
    ).rejects.toThrow(/pod name/);
  });
});
