// An exec plugin's stderr reaches the user through the global logger, line by line (a line split
// over chunks arrives whole, the last line without a newline too), as warnings naming the plugin.
import { afterEach, describe, expect, it } from 'vitest';
import { clearExecCredentialCache } from '../../../src/rest/exec-credentials.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { type LogEntry, newLogger, setLogger } from '../../../src/util/log/index.js';
import { json, LOOPBACK_CA, startFakeServer } from '../../support/fake-server.js';

afterEach(() => {
  setLogger(undefined);
  clearExecCredentialCache();
});

describe('exec plugin stderr', () => {
  it('is forwarded to the global logger one line at a time', async () => {
    const server = await startFakeServer((_r, res) => json(res, 200, {}), { tls: true });
    const entries: LogEntry[] = [];
    setLogger(newLogger((e) => entries.push(e)));
    const script = [
      "process.stderr.write('first li');",
      "setTimeout(() => { process.stderr.write('ne\\r\\nsecond line\\nno newline at the end');",
      "process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 't' } })); }, 50);",
    ].join('\n');
    const rc = restClientFor({
      host: server.url,
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      proxy: false,
      tls: { caData: LOOPBACK_CA },
      execProvider: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: ['-e', script],
        interactiveMode: 'Never',
      },
    });
    try {
      await rc.get().resource('pods').do();
    } finally {
      await server.close();
    }
    expect(entries.map((e) => [e.severity, e.message, e.fields?.plugin])).toEqual([
      ['warning', 'first line', process.execPath],
      ['warning', 'second line', process.execPath],
      ['warning', 'no newline at the end', process.execPath],
    ]);
  });
});
