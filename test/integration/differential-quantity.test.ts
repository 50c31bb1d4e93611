// Differential test of resource quantities: seeded random quantity strings (plus the known edge
// cases) go through the real apiserver in dry-run Pod creates (plain HTTPS with undici, no
// kube-client code), as emptyDir.sizeLimit values that the server gives back as it stores them, and as
// memory requests and limits whose order the server checks (a request above its limit is refused).
// kube-client must accept and reject the same strings, give back the same string, and order the same
// pairs. The server's plain bugs are kept out of the count and listed (docs/apimachinery-semantics.md).
import { beforeAll, describe, expect, it } from 'vitest';
import { parseQuantity, type Quantity } from '../../src/apimachinery/quantity.js';
import { adminRequest, createTestNamespace } from '../support/control-plane.js';
import { askJudge, Disagreements, mapLimit, type Random, seededRandom } from '../support/differential.js';

const SUFFIXES = ['', '', '', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function digits(r: Random, max: number): string {
  return r.chars('0123456789', 1 + r.int(max));
}

function randomQuantity(r: Random): string {
  const sign = r.pick(['', '', '', '', '+', '-']);
  const int = r.chance(0.1)
    ? ''
    : `${r.chance(0.15) ? '0'.repeat(1 + r.int(3)) : ''}${digits(r, r.chance(0.2) ? 20 : 6)}`;
  const frac = r.chance(0.6) ? '' : `.${r.chance(0.1) ? '' : digits(r, r.chance(0.2) ? 12 : 4)}`;
  const tail = r.chance(0.2)
    ? `${r.pick(['e', 'E'])}${r.pick(['', '', '+', '-'])}${r.int(r.chance(0.2) ? 40 : 12)}`
    : r.pick(SUFFIXES);
  let s = `${sign}${int}${frac}${tail}`;
  if (int === '' && (frac === '' || frac === '.')) s = `${sign}${digits(r, 3)}${tail}`;
  if (r.chance(0.08)) {
    // A slip: a stray character, a wrong-case suffix, surrounding or inner whitespace.
    const at = r.int(s.length + 1);
    s = s.slice(0, at) + r.pick([' ', '.', 'K', 'i', 'e', '+', 'x', 'kb']) + s.slice(at);
  } else if (r.chance(0.04)) s = `${r.pick([' ', '\t', '\n'])}${s}${r.pick(['', ' '])}`;
  return s;
}

const EDGE_CASES = [
  '0',
  '1.500',
  '01',
  '010',
  '+1',
  '5.',
  '1E3',
  '1e+3',
  '1e-3',
  '1.234e6',
  '1.0',
  '1000m',
  '1001m',
  '0.5',
  '.5',
  '1Ki',
  '01Ki',
  '+9Ki',
  '8Ki',
  '1024Ki',
  '1.5Gi',
  '0.5Ki',
  '1.1Ki',
  '0.0001Ki',
  '100Ti',
  '7Ei',
  '8Ei',
  '16Ei',
  '9999999Pi',
  '9223372036854775807',
  '9223372036854775808',
  '12345678901234567890',
  '0.1n',
  '0.0000000001',
  '0.5e-9',
  '12E',
  '1e21',
  ' 1 ',
  '\u00a03\u00a0',
  '-0',
  '-1',
  '-8Ei',
  '1.5e1',
  '1K',
  '1ki',
  '1e',
  '1e3.5',
  '1 Ki',
  '1Kb',
  '--1',
  '1.2.3',
  '\ufeff1',
];

/** The sign, digits and point a quantity starts with (what comes before its suffix or exponent). */
const mantissaOf = (s: string): string => /^\s*[+-]?[0-9.]*/.exec(s)?.[0] ?? '';

/** The server's plain bugs that kube-client deliberately does not copy (see the docs). */
const DELIBERATE_ON_SERVER: Array<[string, string]> = [
  ['1000E', '1'],
  ['.', '0'],
  ['+', '0'],
  ['Ki', '0'],
];

interface PodResult {
  status: number;
  body: unknown;
}

describe('differential: quantities against kube-apiserver', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createTestNamespace('diff-qty');
  });

  /** A dry-run Pod create; `sizeLimits` become emptyDir volumes, `pairs` memory request/limit containers. */
  async function dryRunPod(sizeLimits: string[], pairs: Array<[string, string]> = []): Promise<PodResult> {
    const containers = pairs.length
      ? pairs.map(([request, limit], i) => ({
          name: `c${i}`,
          image: 'busybox',
          resources: { requests: { memory: request }, limits: { memory: limit } },
        }))
      : [{ name: 'c', image: 'busybox' }];
    return askJudge(() =>
      adminRequest('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'quantities' },
        spec: { containers, volumes: sizeLimits.map((sizeLimit, i) => ({ name: `v${i}`, emptyDir: { sizeLimit } })) },
      }),
    );
  }

  /** What the server makes of one string: its string back, or that it refuses it. */
  async function serverAnswer(s: string): Promise<string> {
    const res = await dryRunPod([s]);
    return describeResult(res)[0]!;
  }

  /** Per volume: `gives "<string>"`, `accepts a negative value` (422 Forbidden) or `rejects (400)`. */
  function describeResult(res: PodResult, count = 1): string[] {
    if (res.status === 201 || res.status === 200) {
      const vols = (res.body as { spec: { volumes: Array<{ emptyDir: { sizeLimit: string } }> } }).spec.volumes;
      return vols.map((v) => `gives ${JSON.stringify(v.emptyDir.sizeLimit)}`);
    }
    if (res.status === 422) return new Array(count).fill('accepts a negative value (422 sizeLimit)');
    if (res.status === 400) return new Array(count).fill('rejects (400)');
    throw new Error(`unexpected HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }

  /** Asks the server about a batch at once; splits it when one bad entry fails the whole Pod. */
  async function serverAnswers(batch: string[]): Promise<string[]> {
    const res = await dryRunPod(batch);
    if ((res.status === 400 || res.status === 422) && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      const [a, b] = await Promise.all([serverAnswers(batch.slice(0, half)), serverAnswers(batch.slice(half))]);
      return [...a, ...b];
    }
    return describeResult(res, batch.length);
  }

  function ourAnswer(s: string): { answer: string; q?: Quantity } {
    try {
      const q = parseQuantity(s);
      if (q.cmp(parseQuantity('0')) < 0) return { answer: 'accepts a negative value (422 sizeLimit)', q };
      return { answer: `gives ${JSON.stringify(q.toString())}`, q };
    } catch {
      return { answer: 'rejects (400)' };
    }
  }

  it('the server bugs kube-client does not copy are still there (so the docs are right)', async () => {
    for (const [input, back] of DELIBERATE_ON_SERVER) {
      expect(await serverAnswer(input), input).toBe(`gives ${JSON.stringify(back)}`);
    }
    expect(ourAnswer('1000E').answer).toBe('gives "1000E"');
    for (const input of ['.', '+', 'Ki', 'e3', '-e958652']) expect(ourAnswer(input).answer).toBe('rejects (400)');
  });

  it('quantities: kube-client accepts, rejects and gives back strings as the server does', async () => {
    const r = seededRandom('differential-quantity strings');
    const inputs = [...EDGE_CASES, ...Array.from({ length: 360 }, () => randomQuantity(r))];
    const ours = inputs.map(ourAnswer);
    // Accepted non-negative values go in batches of 40 volumes, negative ones in their own batches,
    // and what kube-client rejects goes alone (the server must refuse each).
    const groups = new Map<string, number[]>();
    ours.forEach((o, i) => {
      const key = o.answer.startsWith('gives') ? 'value' : o.answer.startsWith('accepts') ? 'negative' : `alone-${i}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const batches: number[][] = [];
    for (const [key, idx] of groups) {
      const size = key.startsWith('alone') ? 1 : 40;
      for (let i = 0; i < idx.length; i += size) batches.push(idx.slice(i, i + size));
    }
    const judged: string[] = new Array(inputs.length);
    await mapLimit(batches, 10, async (batch) => {
      const answers = await serverAnswers(batch.map((i) => inputs[i]!));
      batch.forEach((i, k) => {
        judged[i] = answers[k]!;
      });
    });

    const found = new Disagreements('quantities');
    const deliberate: string[] = [];
    inputs.forEach((s, i) => {
      const o = ours[i]!;
      const j = judged[i]!;
      if (!o.q && !/[0-9]/.test(mantissaOf(s)) && j === 'gives "0"') {
        // No digits before the suffix or exponent (`Ki`, `e3`, `-e958652`): the server reads 0;
        // kube-client refuses (docs/apimachinery-semantics.md).
        deliberate.push(`${JSON.stringify(s)}: ${j}`);
      } else if (o.q && o.q.format === 'DecimalSI' && /000E$/.test(o.q.toString()) && j !== o.answer) {
        // A decimal value whose canonical exponent is past E (10^18): the server drops the suffix.
        deliberate.push(`${JSON.stringify(s)}: server ${j}, kube-client ${o.answer}`);
      } else found.check('sizeLimit', s, o.answer, j);
    });
    if (deliberate.length)
      console.log(`deliberate exceptions seen (${deliberate.length}):\n  ${deliberate.join('\n  ')}`);
    expect(judged.filter((j) => j.startsWith('gives')).length).toBeGreaterThan(inputs.length / 2);
    expect(judged.filter((j) => j.startsWith('rejects')).length).toBeGreaterThan(10);
    expect(found.list, found.report()).toEqual([]);
  });

  it('comparisons: a memory request above its limit is refused exactly when kube-client orders them so', async () => {
    const r = seededRandom('differential-quantity comparisons');
    const values: string[] = [];
    while (values.length < 160) {
      const s = randomQuantity(r);
      const o = ourAnswer(s);
      if (o.answer.startsWith('gives') && !/000E"$/.test(o.answer)) values.push(s.trim());
    }
    const pairs: Array<[string, string]> = [
      ['16Ei', '8Ei'],
      ['8Ei', '16Ei'],
      ['8Ei', '9223372036854775807'],
      ['9223372036854775808', '8Ei'],
      ['1.500', '1500m'],
      ['1500m', '1.500'],
      ['1e3', '1k'],
      ['1001m', '1'],
      ['0.1n', '1n'],
      ['1n', '0.0000000001'],
      ['1001u', '1m'],
      ['1.0001', '1001m'],
      ['1.0011', '1001m'],
      ['+558909.795E-9', '91507E-10'],
      ['1000E', '1e21'],
      ['1e21', '999999999999999999999'],
      ['1Ki', '1024'],
      ['1025', '1Ki'],
      ['100000000000000000001', '100000000000000000000'],
    ];
    for (let i = 0; i < 240; i++) {
      const a = r.pick(values);
      // Often near each other: the same value, or a neighbour in the list.
      pairs.push([a, r.chance(0.2) ? a : r.pick(values)]);
    }
    const batches: Array<Array<[string, string]>> = [];
    for (let i = 0; i < pairs.length; i += 40) batches.push(pairs.slice(i, i + 40));
    const refused = new Set<string>();
    await mapLimit(batches, 4, async (batch, b) => {
      const res = await dryRunPod([], batch);
      if (res.status === 201 || res.status === 200) return;
      if (res.status !== 422) throw new Error(`unexpected HTTP ${res.status}: ${JSON.stringify(res.body)}`);
      const causes = (res.body as { details?: { causes?: Array<{ field?: string; message?: string }> } }).details
        ?.causes;
      for (const c of causes ?? []) {
        const m = /^spec\.containers\[(\d+)\]\.resources\.requests/.exec(c.field ?? '');
        if (!m || !/less than or equal to memory limit/.test(c.message ?? ''))
          throw new Error(`unexpected cause ${JSON.stringify(c)}`);
        refused.add(`${b * 40 + Number(m[1])}`);
      }
    });
    const found = new Disagreements('quantity comparisons');
    pairs.forEach(([a, b], i) => {
      // The server rounds container resources up to milli precision before it compares them.
      const milli = (s: string) => parseQuantity(s).roundUp(-3);
      const ours = milli(a).cmp(milli(b)) > 0 ? 'request > limit' : 'request <= limit';
      found.check(
        'cmp(request, limit)',
        `${a} vs ${b}`,
        ours,
        refused.has(`${i}`) ? 'request > limit' : 'request <= limit',
      );
    });
    expect(refused.size).toBeGreaterThan(20);
    expect(refused.size).toBeLessThan(pairs.length - 20);
    expect(found.list, found.report()).toEqual([]);
  });
});
