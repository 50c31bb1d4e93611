// A binary min-heap keyed by ready time (ties by insertion order), with positions tracked so an
// entry can be moved when its time changes.

/** One waiting item. */
export interface HeapEntry<T> {
  item: T;
  readyAt: number;
  seq: number;
  index: number;
}

/** Min-heap of entries by (readyAt, seq). */
export class ReadyHeap<T> {
  private readonly a: HeapEntry<T>[] = [];

  get length(): number {
    return this.a.length;
  }

  peek(): HeapEntry<T> | undefined {
    return this.a[0];
  }

  push(e: HeapEntry<T>): void {
    e.index = this.a.length;
    this.a.push(e);
    this.up(e.index);
  }

  pop(): HeapEntry<T> | undefined {
    const n = this.a.length;
    if (n === 0) return undefined;
    this.swap(0, n - 1);
    const top = this.a.pop()!;
    if (this.a.length > 0) this.down(0);
    return top;
  }

  /** Restores order after `e.readyAt` changed. */
  fix(e: HeapEntry<T>): void {
    if (!this.up(e.index)) this.down(e.index);
  }

  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return x.readyAt < y.readyAt || (x.readyAt === y.readyAt && x.seq < y.seq);
  }

  private swap(i: number, j: number): void {
    const x = this.a[i]!;
    const y = this.a[j]!;
    this.a[i] = y;
    this.a[j] = x;
    y.index = i;
    x.index = j;
  }

  private up(i: number): boolean {
    let moved = false;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
      moved = true;
    }
    return moved;
  }

  private down(i: number): void {
    const n = this.a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let m = l;
      if (l + 1 < n && this.less(l + 1, l)) m = l + 1;
      if (!this.less(m, i)) return;
      this.swap(i, m);
      i = m;
    }
  }
}
