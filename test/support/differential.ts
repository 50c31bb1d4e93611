// Shared pieces of the differential tests (test/integration/differential-*.test.ts), which put the
// same inputs to kube-client and to a judge (the real apiserver or kubectl) and list every
// disagreement: a seeded random generator (the seed is printed; KUBE_CLIENT_DIFF_SEED replays it),
// a bounded-concurrency runner and a disagreement report.

/** A small seeded generator (mulberry32): the same seed gives the same inputs. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One element of a list. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  /** A string of `length` characters from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

/**
 * The generator of one differential file: seeded from KUBE_CLIENT_DIFF_SEED when set, else at
 * random; the seed is printed so that a failing run can be replayed.
 */
export function seededRandom(name: string): Random {
  const fromEnv = process.env.KUBE_CLIENT_DIFF_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${name}: seed ${seed} (replay with KUBE_CLIENT_DIFF_SEED=${seed})`);
  return new Random(seed);
}

/** One input on which kube-client and the judge answer differently. */
export interface Disagreement {
  what: string;
  input: string;
  kubeClient: string;
  judge: string;
}

/** Collects disagreements and prints them, each with its input and both answers. */
export class Disagreements {
  readonly list: Disagreement[] = [];
  compared = 0;
  constructor(readonly name: string) {}
  /** Records one comparison; a disagreement when the two answers differ. */
  check(what: string, input: string, kubeClient: string, judge: string): void {
    this.compared++;
    if (kubeClient !== judge) this.list.push({ what, input, kubeClient, judge });
  }
  /** A readable report (also printed), for the assertion message. */
  report(): string {
    const lines = this.list.map(
      (d) => `  ${d.what} ${JSON.stringify(d.input)}:\n    kube-client: ${d.kubeClient}\n    judge:       ${d.judge}`,
    );
    const text = `${this.name}: ${this.list.length} disagreements in ${this.compared} comparisons${lines.length ? `\n${lines.join('\n')}` : ''}`;
    console.log(text);
    return text;
  }
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Statuses with which the server says it could not answer now (not a verdict on the input). */
const NOT_A_VERDICT = new Set([429, 500, 503, 504]);

/**
 * Asks the judge, again after a pause when its answer is no verdict but a server that could not
 * answer in time (504 "request did not complete within requested timeout", 429, 500, 503): a loaded
 * machine's hiccup must not fail a comparison of parsers. Another answer of that kind after
 * `tries` attempts is returned as it is, for the caller to fail on.
 */
export async function askJudge<R extends { status: number }>(ask: () => Promise<R>, tries = 4): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const res = await ask();
    if (!NOT_A_VERDICT.has(res.status) || attempt >= tries) return res;
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}
