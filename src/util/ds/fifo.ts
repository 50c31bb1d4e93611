// An array-backed FIFO with a moving head: O(1) push and shift, compacted in place now and then, so
// that a queue of millions of items never pays for Array.prototype.shift.

/** A first-in first-out list. */
export class Fifo<T> {
  private readonly items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 4096 && this.head * 2 >= this.items.length) this.compact();
    return item;
  }

  /**
   * Drops the taken slots in place: the array stays the same object, so optimized code that holds
   * it (a constant field to V8) is not thrown away, as replacing it with a slice would.
   */
  private compact(): void {
    const items = this.items;
    const head = this.head;
    const n = items.length - head;
    for (let i = 0; i < n; i++) items[i] = items[head + i]!;
    items.length = n;
    this.head = 0;
  }
}
