// A streaming decoder for List responses: the apiserver writes a List's items one after the other,
// so the items array is split at item boundaries while the bytes arrive and each run of complete
// items is parsed at once, instead of buffering the whole body and parsing it after the last byte.
// A small byte scanner tracks string/escape state and nesting depth; everything outside the
// top-level "items" array (kind, apiVersion, metadata) is kept as bytes and parsed at the end, with
// the streamed items put in place. The result is exactly what JSON.parse of the whole body gives
// (any JSON, not only Lists; a malformed body throws a SyntaxError), while the whole body is never
// held, neither as bytes nor as one string.
import type { ListMeta } from '../apimachinery/meta.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Longest top-level key looked at ("items" and "metadata", even fully \u-escaped, are shorter). */
const MAX_KEY_BYTES = 64;

/** Callbacks of a {@link ListDecoder}. */
export interface ListDecoderHooks {
  /**
   * Called with the List's `metadata` as soon as it has arrived, before the items (the apiserver
   * writes it first): `continue` can be acted on while the page is still arriving.
   */
  onMeta?(metadata: ListMeta): void;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Decodes a JSON body pushed in chunks; {@link ListDecoder.end} returns what `JSON.parse` of the
 * whole body would. The items of a top-level `"items": [...]` are parsed as they arrive.
 *
 * @example
 * const d = new ListDecoder({ onMeta: (m) => console.log('continue:', m.continue) });
 * for await (const chunk of response.body) d.write(chunk);
 * const list = d.end() as ConfigMapList;
 */
export class ListDecoder {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The top-level value is an object (only then is "items" looked for). */
  private topIsObject = false;
  private seenTop = false;

  // ---- the envelope (everything outside the streamed items), kept as bytes ----
  private skeleton: Buffer[] = [];
  private skeletonLength = 0;

  // ---- top-level keys ----
  private collectingKey = false;
  private keyBytes: number[] = [];
  private keyOverflow = false;
  /** The last complete top-level string, while it may still be a key (undefined otherwise). */
  private keyCandidate: string | undefined;
  /** The key whose value comes next (after its ':'). */
  private valueKey: string | undefined;
  private expectValue = false;
  /** Skeleton offset where the top-level metadata object began (-1: not in it). */
  private metaStart = -1;

  // ---- the items array ----
  private inItems = false;
  private items: unknown[] = [];
  private lastItemsStreamed = false;
  /** Bytes of the current group (complete or partial items) from earlier chunks. */
  private groupParts: Buffer[] = [];
  /** Separators (',') seen in the items array so far. */
  private separators = 0;
  /** Separators inside the current group. */
  private groupSeparators = 0;

  constructor(private readonly hooks: ListDecoderHooks = {}) {}

  /** Feeds the next bytes of the body. */
  write(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.length;
    let skelFrom = this.inItems ? -1 : 0;
    let groupFrom = this.inItems ? 0 : -1;
    let firstSep = -1;
    let lastSep = -1;
    let i = 0;
    while (i < n) {
      if (this.inItems) {
        // The hot path: skip to the next separator or the array's end.
        i = this.scanItems(buf, i, n);
        if (i >= n) break;
        if (buf[i] === COMMA) {
          this.separators++;
          this.groupSeparators++;
          if (firstSep < 0) firstSep = i;
          lastSep = i;
          i++;
          continue;
        }
        // The closing bracket: the last group, then back to the envelope.
        this.flushGroup(buf, groupFrom, firstSep, i, this.groupSeparators + 1, this.separators === 0);
        groupFrom = -1;
        this.inItems = false;
        this.depth = 1;
        skelFrom = i; // the ']' goes to the skeleton: "items":[]
        i++;
        continue;
      }
      if (this.inString) {
        i = this.scanEnvelopeString(buf, i, n);
        continue;
      }
      const c = buf[i] as number;
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      if (!this.seenTop) {
        this.seenTop = true;
        this.topIsObject = c === OPEN_BRACE;
      }
      if (this.depth === 1 && this.topIsObject) {
        if (this.expectValue) {
          this.expectValue = false;
          const key = this.valueKey;
          this.valueKey = undefined;
          if (key === 'items') {
            if (c === OPEN_BRACKET) {
              this.appendSkeleton(buf, skelFrom, i + 1);
              skelFrom = -1;
              this.inItems = true;
              this.lastItemsStreamed = true;
              this.items = [];
              this.separators = 0;
              this.groupSeparators = 0;
              this.groupParts = [];
              this.depth = 2;
              i++;
              groupFrom = i;
              firstSep = -1;
              lastSep = -1;
              continue;
            }
            this.lastItemsStreamed = false;
          } else if (key === 'metadata' && c === OPEN_BRACE && this.hooks.onMeta) {
            this.metaStart = this.skeletonLength + (i - skelFrom);
          }
        } else if (c === COLON && this.keyCandidate !== undefined) {
          this.valueKey = this.keyCandidate;
          this.keyCandidate = undefined;
          this.expectValue = true;
          i++;
          continue;
        }
        this.keyCandidate = undefined;
        if (c === QUOTE) {
          this.inString = true;
          this.collectingKey = true;
          this.keyBytes = [];
          this.keyOverflow = false;
          i++;
          continue;
        }
      }
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 1 && this.metaStart >= 0) {
          this.appendSkeleton(buf, skelFrom, i + 1);
          skelFrom = i + 1;
          this.emitMeta();
        }
      }
      i++;
    }
    if (this.inItems) {
      if (this.groupSeparators > 0) {
        // The complete items of this chunk are parsed now; a partial one waits for its end.
        this.flushGroup(buf, groupFrom, firstSep, lastSep, this.groupSeparators, false);
        if (lastSep + 1 < n) this.groupParts.push(buf.subarray(lastSep + 1));
      } else if (groupFrom < n) {
        this.groupParts.push(buf.subarray(groupFrom));
      }
    } else {
      this.appendSkeleton(buf, skelFrom, n);
    }
  }

  /**
   * Inside the items array: from `i`, the position of the next separator (',') or closing bracket
   * of the array itself, or `n` at the chunk's end (string, escape and depth state carried over).
   */
  private scanItems(buf: Buffer, i: number, n: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // Short strings (keys, names) end within a few bytes: a plain loop beats a native call.
        const limit = i + 48 < n ? i + 48 : n;
        let j = i;
        while (j < limit) {
          const b = buf[j] as number;
          if (b === QUOTE || b === BACKSLASH) break;
          j++;
        }
        if (j < limit) {
          if (buf[j] === QUOTE) inString = false;
          else escaped = true;
          i = j + 1;
          continue;
        }
        if (j >= n) {
          i = n;
          break;
        }
        // A long string: find its closing quote natively; no backslash in [i, j).
        const q = buf.indexOf(QUOTE, j);
        const stop = q < 0 ? n : q;
        let k = stop - 1;
        while (k >= j && buf[k] === BACKSLASH) k--;
        const odd = (stop - 1 - k) % 2 === 1;
        if (q < 0) {
          escaped = odd;
          i = n;
          break;
        }
        if (!odd) inString = false;
        i = q + 1;
        continue;
      }
      const c = buf[i] as number;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 2) break;
        depth--;
      } else if (c === COMMA && depth === 2) break;
      i++;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return i;
  }

  /** A string of the envelope from `i`; top-level strings are collected (they may be keys). */
  private scanEnvelopeString(buf: Buffer, i: number, n: number): number {
    for (; i < n; i++) {
      const b = buf[i] as number;
      if (this.escaped) {
        this.escaped = false;
      } else if (b === BACKSLASH) {
        this.escaped = true;
      } else if (b === QUOTE) {
        this.inString = false;
        if (this.collectingKey) this.endKey();
        return i + 1;
      }
      if (this.collectingKey) this.pushKeyByte(b);
    }
    return n;
  }

  /** Ends the body: returns what JSON.parse of the whole body returns (undefined for an empty body). */
  end(): unknown {
    if (this.inItems || this.inString || this.depth !== 0) {
      throw new SyntaxError('Unexpected end of JSON input (the List body ended early)');
    }
    if (!this.seenTop) {
      if (this.skeletonLength === 0) return undefined;
      return JSON.parse(Buffer.concat(this.skeleton, this.skeletonLength).toString('utf8'));
    }
    const envelope = JSON.parse(Buffer.concat(this.skeleton, this.skeletonLength).toString('utf8')) as Record<
      string,
      unknown
    >;
    if (this.lastItemsStreamed) envelope.items = this.items;
    return envelope;
  }

  private pushKeyByte(b: number): void {
    if (this.keyBytes.length >= MAX_KEY_BYTES) this.keyOverflow = true;
    else this.keyBytes.push(b);
  }

  private endKey(): void {
    this.collectingKey = false;
    if (this.keyOverflow) {
      this.keyCandidate = '';
      return;
    }
    const raw = Buffer.from(this.keyBytes).toString('utf8');
    if (!raw.includes('\\')) {
      this.keyCandidate = raw;
      return;
    }
    try {
      this.keyCandidate = JSON.parse(`"${raw}"`) as string;
    } catch {
      this.keyCandidate = ''; // malformed: the envelope's parse reports it
    }
  }

  private appendSkeleton(buf: Buffer, from: number, to: number): void {
    if (from < 0 || to <= from) return;
    this.skeleton.push(buf.subarray(from, to));
    this.skeletonLength += to - from;
  }

  private emitMeta(): void {
    const start = this.metaStart;
    this.metaStart = -1;
    let meta: ListMeta;
    try {
      const all = Buffer.concat(this.skeleton, this.skeletonLength);
      meta = JSON.parse(all.toString('utf8', start)) as ListMeta;
    } catch {
      return; // malformed: the envelope's parse reports it
    }
    this.hooks.onMeta?.(meta);
  }

  /**
   * Parses `count` items: the earlier parts of the group, then `buf[from, to)`. An item that began
   * in an earlier chunk (it ends at `firstSep`) is parsed alone, so that the rest is parsed from the
   * chunk without copying it.
   */
  private flushGroup(buf: Buffer, from: number, firstSep: number, to: number, count: number, mayBeEmpty: boolean) {
    if (this.groupParts.length > 0) {
      if (firstSep >= 0 && firstSep < to && count > 1) {
        this.parseGroup(Buffer.concat([...this.groupParts, buf.subarray(from, firstSep)]), 1, false);
        this.groupParts = [];
        this.parseGroup(buf.subarray(firstSep + 1, to), count - 1, false);
        this.groupSeparators = 0;
        return;
      }
      const bytes = Buffer.concat([...this.groupParts, buf.subarray(from, to)]);
      this.groupParts = [];
      this.parseGroup(bytes, count, mayBeEmpty);
    } else {
      this.parseGroup(buf.subarray(from, to), count, mayBeEmpty);
    }
    this.groupSeparators = 0;
  }

  /**
   * Parses `count` comma-separated items as one array; `mayBeEmpty` when they are the whole array
   * (whose only segment may be blank: `[]`).
   */
  private parseGroup(bytes: Buffer, count: number, mayBeEmpty: boolean): void {
    const parsed = JSON.parse(`[${bytes.toString('utf8')}]`) as unknown[];
    if (parsed.length !== count && !(mayBeEmpty && parsed.length === 0)) {
      throw new SyntaxError('Unexpected token in JSON: an empty element in the List items');
    }
    for (const item of parsed) this.items.push(item);
  }
}
