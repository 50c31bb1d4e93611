// A live, readable view of the sample controller for a person at a terminal: the Foos and their
// Deployments, queue depth, reconciles per second, retries, leadership and the latest log lines.
// On a TTY it redraws in place; otherwise (CI, pipes) it prints one status line every few seconds.

/** One Foo as the dashboard shows it. */
export interface FooRow {
  key: string;
  deploymentName: string;
  desired: number;
  deploymentReplicas?: number;
  available?: number;
  lastResult: string;
  lastSync?: Date;
}

/** Numbers the controller reports to the dashboard. */
export interface ControllerStats {
  queueDepth: number;
  reconciles: number;
  errors: number;
  retries: number;
  workers: number;
  leader: string;
}

/**
 * Collects what the controller does and renders it.
 *
 * @example
 * const dash = new Dashboard(process.stdout);
 * dash.start(() => stats);
 * dash.log('created deployment default/example-foo');
 */
export class Dashboard {
  private readonly rows = new Map<string, FooRow>();
  private readonly lines: string[] = [];
  private readonly reconcileTimes: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastPlainLine = 0;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly title = 'kube-client sample controller',
  ) {}

  /** Updates (or adds) a Foo row. */
  upsert(row: FooRow): void {
    this.rows.set(row.key, { ...this.rows.get(row.key), ...row });
  }

  /** Removes a Foo row (the Foo was deleted). */
  remove(key: string): void {
    this.rows.delete(key);
  }

  /** Counts one reconcile for the reconciles-per-second figure. */
  reconciled(): void {
    const now = Date.now();
    this.reconcileTimes.push(now);
    while (this.reconcileTimes.length > 0 && this.reconcileTimes[0]! < now - 5000) this.reconcileTimes.shift();
  }

  /** Adds a log line (shown under the table on a TTY, printed at once otherwise). */
  log(line: string): void {
    const stamped = `${new Date().toISOString().slice(11, 19)} ${line}`;
    this.lines.push(stamped);
    if (this.lines.length > 10) this.lines.shift();
    if (!this.out.isTTY) this.out.write(`${stamped}\n`);
  }

  /** Starts redrawing every 500 ms (TTY) or printing a status line every 5 s (not a TTY). */
  start(stats: () => ControllerStats): void {
    this.timer = setInterval(() => this.draw(stats()), 500);
    this.timer.unref();
  }

  /** Stops redrawing and prints a last frame. */
  stop(stats: ControllerStats): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.out.isTTY) this.out.write(this.render(stats));
  }

  private draw(stats: ControllerStats): void {
    if (this.out.isTTY) {
      this.out.write(`\x1b[H\x1b[2J${this.render(stats)}`);
      return;
    }
    if (Date.now() - this.lastPlainLine < 5000) return;
    this.lastPlainLine = Date.now();
    this.out.write(`status: ${this.summary(stats)}\n`);
  }

  private summary(s: ControllerStats): string {
    const rate = (this.reconcileTimes.length / 5).toFixed(1);
    return `foos=${this.rows.size} queue=${s.queueDepth} reconciles=${s.reconciles} (${rate}/s) errors=${s.errors} retries=${s.retries} workers=${s.workers} leader=${s.leader}`;
  }

  /** The full frame as text. */
  render(s: ControllerStats): string {
    const uptime = Math.round((Date.now() - this.started) / 1000);
    const header = ['FOO', 'DEPLOYMENT', 'DESIRED', 'DEPLOY', 'AVAILABLE', 'LAST SYNC', 'RESULT'];
    const body = [...this.rows.values()]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((r) => [
        r.key,
        r.deploymentName,
        String(r.desired),
        r.deploymentReplicas === undefined ? '-' : String(r.deploymentReplicas),
        r.available === undefined ? '-' : String(r.available),
        r.lastSync ? `${Math.round((Date.now() - r.lastSync.getTime()) / 1000)}s ago` : '-',
        r.lastResult,
      ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
    const fmt = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    return [
      `${this.title}  (up ${uptime}s, Ctrl-C to stop)`,
      '',
      `  ${this.summary(s)}`,
      '',
      fmt(header),
      ...body.map(fmt),
      body.length === 0 ? '(no Foos yet)' : '',
      '',
      'Recent activity:',
      ...this.lines.map((l) => `  ${l}`),
      '',
    ].join('\n');
  }
}
