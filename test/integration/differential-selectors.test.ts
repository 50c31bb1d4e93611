// Differential test of label and field selectors: hundreds of seeded random selectors (plus the
// known edge cases) go to the real apiserver as plain HTTPS list requests over ConfigMaps with
// varied labels (adminRequest: undici directly, no kube-client list code) and to kube-client's
// parseSelector / parseFieldSelector matched locally over the same objects. Every input where the
// two accept differently, or select different objects, is a disagreement; there must be none.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFieldSelector } from '../../src/apimachinery/fields.js';
import { parseSelector } from '../../src/apimachinery/labels.js';
import { adminRequest, createTestNamespace } from '../support/control-plane.js';
import { askJudge, Disagreements, mapLimit, type Random, seededRandom } from '../support/differential.js';

const BIG = '9223372036854775807';
const OBJECT_KEYS = [
  'app',
  'tier',
  'env',
  'n',
  'big',
  'example.com/team',
  'k8s.io/Name',
  'in',
  'notin',
  'Mixed_Case.key',
];
const OBJECT_VALUES = [
  '',
  'a',
  'b',
  'prod',
  '0',
  '1',
  '2',
  '007',
  '10',
  '42',
  BIG,
  '9223372036854775806',
  '9223372036854775808',
  '99999999999999999999',
  '1.0',
  '0x10',
  '1e3',
  'in',
  'notin',
  'A_b-c.d',
  'v'.repeat(63),
];
const SELECTOR_KEYS = [
  ...OBJECT_KEYS,
  'missing',
  'Example.com/team',
  'a..b/x',
  'a.-b/x',
  'a-.b/x',
  '-x',
  'x-',
  'x_',
  'a/b/c',
  '/x',
  'x/',
  'k'.repeat(63),
  'k'.repeat(64),
  `${'p'.repeat(253)}/x`,
  `${'p'.repeat(254)}/x`,
  'a_b/x',
  'x.y/Z_z',
  'é',
];
const SELECTOR_VALUES = [...OBJECT_VALUES, '-1', '+1', '-a', 'a-', 'v'.repeat(64), 'a|b', 'é', 'in'];
const INTS = [
  '0',
  '1',
  '2',
  '7',
  '10',
  '42',
  '007',
  '00',
  '9223372036854775806',
  BIG,
  '9223372036854775808',
  '-1',
  '+1',
  '-9223372036854775808',
  '',
  '1.0',
  '0x10',
  '1e3',
  '1_0',
  'a',
];
const SPACE = ['', '', '', ' ', ' ', '  ', '\t', '\n', '\r'];
const ODD_SPACE = ['\u00a0', '\v', '\f', '\u2003'];

function ws(r: Random): string {
  return r.chance(0.03) ? r.pick(ODD_SPACE) : r.pick(SPACE);
}

function randomRequirement(r: Random): string {
  const key = r.chance(0.8) ? r.pick(OBJECT_KEYS) : r.pick(SELECTOR_KEYS);
  const value = () => (r.chance(0.85) ? r.pick(OBJECT_VALUES) : r.pick(SELECTOR_VALUES));
  switch (r.int(9)) {
    case 0:
    case 1:
      return `${key}${ws(r)}${r.pick(['=', '==', '!='])}${ws(r)}${value()}`;
    case 2:
    case 3: {
      const n = r.int(4);
      const values = Array.from({ length: n }, value);
      if (r.chance(0.15)) values.splice(r.int(n + 1), 0, '');
      return `${key}${r.pick([' ', '  ', '\t'])}${r.pick(['in', 'notin'])}${ws(r)}(${values.map((v) => `${ws(r)}${v}`).join(',')}${ws(r)})`;
    }
    case 4:
      return key;
    case 5:
      return `!${ws(r)}${key}`;
    default:
      return `${key}${ws(r)}${r.pick(['>', '<'])}${ws(r)}${r.pick(INTS)}`;
  }
}

function randomLabelSelector(r: Random): string {
  const n = 1 + r.int(3);
  let s = Array.from({ length: n }, () => randomRequirement(r)).join(`${ws(r)},${ws(r)}`);
  if (r.chance(0.12)) {
    // A structural slip: a stray symbol, a lost character, a doubled or dangling comma.
    const at = r.int(s.length + 1);
    switch (r.int(4)) {
      case 0:
        s = s.slice(0, at) + r.pick([',', '(', ')', '=', '!', '<', '>', ' ', 'x']) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1);
        break;
      case 2:
        s = `${s},`;
        break;
      default:
        s = `,${s}`;
    }
  }
  return s;
}

const LABEL_EDGE_CASES = [
  '',
  '   ',
  'big>9223372036854775806',
  'big<9223372036854775807',
  'big>9223372036854775807',
  'n>-1',
  'n<+1',
  'n>1.0',
  'n>0x10',
  'n>1e3',
  'n>',
  'n<',
  'n<9223372036854775808',
  'n>-9223372036854775808',
  'n>00',
  'n<010',
  'Example.com/team=a',
  'example..com/x',
  'example.com./x',
  `${'a'.repeat(254)}/x`,
  `${'a'.repeat(253)}/x`,
  'app=a,\u00a0tier=b',
  'app=a\u000b',
  'app=a\u000c',
  ' app = a ',
  '\tapp\n=\ra',
  'app in ()',
  'app in (,a)',
  'app in (a,)',
  'app in (a,,)',
  'app in (a,,b)',
  'app notin (,)',
  'in in (in)',
  'notin',
  '!in',
  'in=notin',
  'app=a \u0000garbage',
  'app\u0000=a',
  'app=\u0000a',
  'app=a,',
  ',app=a',
  'app=a,,tier=b',
  'app=!a',
  'app!==a',
  'n>=1',
  'n<>1',
  '!app=a',
  'app=a||tier=b',
  'x_=a',
  'app=a b',
];

const FIELD_NAMES = ['metadata.name', 'metadata.namespace'];
const ODD_FIELD_NAMES = [
  ' metadata.name',
  'metadata.name ',
  'metadata.labels',
  'spec.x',
  '',
  'Metadata.name',
  'metadata.name\\',
];
const FIELD_OPS = ['=', '==', '!='];
const ODD_FIELD_OPS = ['===', '!==', '=!', ''];

function randomFieldSelector(r: Random, names: string[], ns: string): string {
  if (r.chance(0.04)) return r.pick(['', ' ', '  ', ',', ',,', '\t']);
  const value = () =>
    r.chance(0.8)
      ? r.pick([...names, ns])
      : r.pick(['', 'nope', 'cm\\-1', 'x\\', 'a\\,b', 'a\\=b', 'a\\\\b', 'a=b', ' cm-001', 'cm-001 ', 'a,b', 'é']);
  const n = 1 + r.int(2);
  const terms = Array.from(
    { length: n },
    () =>
      `${r.chance(0.8) ? r.pick(FIELD_NAMES) : r.pick(ODD_FIELD_NAMES)}${r.chance(0.85) ? r.pick(FIELD_OPS) : r.pick(ODD_FIELD_OPS)}${value()}`,
  );
  let s = terms.join(r.pick([',', ',', ',', ',,', ', ']));
  if (r.chance(0.1)) s = `,${s}`;
  if (r.chance(0.1)) s = `${s},`;
  return s;
}

const FIELD_EDGE_CASES = [
  '',
  ',',
  ',,',
  '=',
  '==',
  '!=',
  '=,metadata.name=cm-001',
  '=x',
  ' ',
  '   ',
  'metadata.name=cm-001,',
  ',metadata.name=cm-001',
  'metadata.name=cm-001,,metadata.namespace!=x',
  ' metadata.name=cm-001',
  'metadata.name =cm-001',
  'metadata.name= cm-001',
  'metadata.name=cm\\-1',
  'metadata.name=cm-001\\',
  'metadata.name==cm-002',
  'metadata.name===cm-002',
  'metadata.name!=',
  'metadata.name=',
  '=cm-001',
  'metadata.name',
  'metadata.name=a\\,b',
  'metadata.name=a,b',
  'metadata.name=a=b',
  'spec.x=y',
];

interface Listed {
  status: number;
  names?: string[];
}

describe('differential: label and field selectors against kube-apiserver', () => {
  let ns: string;
  const objects: Array<{ name: string; labels: Record<string, string> }> = [];

  beforeAll(async () => {
    ns = await createTestNamespace('diff-sel');
    const r = seededRandom('differential-selectors objects');
    const wanted = Array.from({ length: 48 }, (_, i) => {
      const labels: Record<string, string> = {};
      for (let k = r.int(6); k > 0; k--) labels[r.pick(OBJECT_KEYS)] = r.pick(OBJECT_VALUES);
      return { name: `cm-${String(i).padStart(3, '0')}`, labels };
    });
    await mapLimit(wanted, 8, async (o) => {
      const res = await adminRequest('POST', `/api/v1/namespaces/${ns}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: o.name, labels: o.labels },
      });
      if (res.status !== 201) throw new Error(`creating ${o.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    });
    // What the server stores is the set the selectors run over.
    const all = await adminRequest('GET', `/api/v1/namespaces/${ns}/configmaps`);
    for (const item of (all.body as { items: Array<{ metadata: { name: string; labels?: Record<string, string> } }> })
      .items)
      objects.push({ name: item.metadata.name, labels: item.metadata.labels ?? {} });
    expect(objects.length).toBeGreaterThanOrEqual(48);
  });

  async function serverList(param: 'labelSelector' | 'fieldSelector', selector: string): Promise<Listed> {
    const res = await askJudge(() =>
      adminRequest('GET', `/api/v1/namespaces/${ns}/configmaps?${param}=${encodeURIComponent(selector)}`),
    );
    if (res.status === 200) {
      const items = (res.body as { items: Array<{ metadata: { name: string } }> }).items;
      return { status: 200, names: items.map((i) => i.metadata.name).sort() };
    }
    if (res.status !== 400) throw new Error(`${param}=${JSON.stringify(selector)}: HTTP ${res.status}`);
    return { status: 400 };
  }

  const answer = (l: Listed) => (l.status === 200 ? `selects [${l.names!.join(' ')}]` : 'rejects (400)');

  it('label selectors: kube-client accepts, rejects and matches as the server does', async () => {
    const r = seededRandom('differential-selectors labels');
    const selectors = [...LABEL_EDGE_CASES, ...Array.from({ length: 400 }, () => randomLabelSelector(r))];
    const found = new Disagreements('label selectors');
    const judged = await mapLimit(selectors, 8, (s) => serverList('labelSelector', s));
    selectors.forEach((s, i) => {
      let ours: Listed;
      try {
        const sel = parseSelector(s);
        ours = {
          status: 200,
          names: objects
            .filter((o) => sel.matches(o.labels))
            .map((o) => o.name)
            .sort(),
        };
      } catch {
        ours = { status: 400 };
      }
      found.check('labelSelector', s, answer(ours), answer(judged[i]!));
    });
    const accepted = judged.filter((j) => j.status === 200).length;
    // The generator must exercise both sides, and selections that are neither empty nor everything.
    expect(accepted).toBeGreaterThan(selectors.length / 4);
    expect(selectors.length - accepted).toBeGreaterThan(selectors.length / 10);
    expect(judged.some((j) => j.names && j.names.length > 0 && j.names.length < objects.length)).toBe(true);
    expect(found.list, found.report()).toEqual([]);
  });

  it('field selectors: kube-client accepts, rejects and matches as the server does', async () => {
    const r = seededRandom('differential-selectors fields');
    const names = objects.map((o) => o.name);
    const selectors = [...FIELD_EDGE_CASES, ...Array.from({ length: 200 }, () => randomFieldSelector(r, names, ns))];
    const found = new Disagreements('field selectors');
    const judged = await mapLimit(selectors, 8, (s) => serverList('fieldSelector', s));
    const supported = new Set(['metadata.name', 'metadata.namespace']);
    selectors.forEach((s, i) => {
      let ours: Listed;
      try {
        const sel = parseFieldSelector(s);
        // ConfigMaps have two field labels; the server refuses any other.
        if (sel.requirements().some((q) => !supported.has(q.field))) throw new Error('unsupported field');
        ours = {
          status: 200,
          names: names.filter((name) => sel.matches({ 'metadata.name': name, 'metadata.namespace': ns })).sort(),
        };
      } catch {
        ours = { status: 400 };
      }
      found.check('fieldSelector', s, answer(ours), answer(judged[i]!));
    });
    const accepted = judged.filter((j) => j.status === 200).length;
    expect(accepted).toBeGreaterThan(selectors.length / 5);
    expect(selectors.length - accepted).toBeGreaterThan(selectors.length / 10);
    expect(found.list, found.report()).toEqual([]);
  });
});
