// The work queue's processing set: the items handed out and not yet done. It is small (about one
// item per worker) and changes on every get and done, which a hash Set pays for with a table rehash
// every few operations (deleted entries fill its small table). Up to SMALL items live in an array
// searched linearly (swap-remove on delete); beyond that a Set takes over until it empties again.
// Membership is SameValueZero, as a Set's: strings and numbers by value, objects by identity.

/** Items up to which the array is searched instead of a Set. */
const SMALL = 32;

/**
 * A set of in-flight items tuned for a handful of members and constant churn.
 *
 * @example
 * const inFlight = new InFlight<string>();
 * inFlight.add('default/web');
 * inFlight.has('default/web'); // true
 * inFlight.delete('default/web'); // true
 */
export class InFlight<T> {
  private small: T[] = [];
  private large: Set<T> | undefined;

  /** How many items are in flight. */
  get size(): number {
    return this.large === undefined ? this.small.length : this.large.size;
  }

  /** Adds an item that is not in the set (the queue never adds one twice). */
  add(item: T): void {
    const large = this.large;
    if (large !== undefined) {
      large.add(item);
      return;
    }
    const small = this.small;
    if (small.length < SMALL) {
      small.push(item);
      return;
    }
    this.large = new Set(small);
    this.large.add(item);
    this.small = [];
  }

  /** True when the item is in flight. */
  has(item: T): boolean {
    return this.large === undefined ? this.indexOf(item) >= 0 : this.large.has(item);
  }

  /** Removes the item; false when it was not in flight. */
  delete(item: T): boolean {
    const large = this.large;
    if (large !== undefined) {
      const found = large.delete(item);
      if (large.size === 0) this.large = undefined;
      return found;
    }
    const i = this.indexOf(item);
    if (i < 0) return false;
    const small = this.small;
    const last = small.pop()!;
    if (i < small.length) small[i] = last;
    return true;
  }

  private indexOf(item: T): number {
    const small = this.small;
    // biome-ignore lint/suspicious/noSelfCompare: NaN is the one value not equal to itself (SameValueZero).
    if (item !== item) return small.findIndex((x) => x !== x);
    for (let i = 0; i < small.length; i++) if (small[i] === item) return i;
    return -1;
  }
}
