// A cheap, linear pre-scan of YAML text for its nesting depth, run before the YAML parser: the
// parser recurses per level, and a file nested a million levels deep (a few MB of '[') makes it
// run for minutes and exhaust the heap, which Node cannot catch. A kubeconfig is about 6 levels
// deep; anything past MAX_YAML_DEPTH is refused before parsing.

/** Deepest nesting accepted in a kubeconfig (block indentation levels plus open flow brackets). */
export const MAX_YAML_DEPTH = 100;

/** Open brackets (or `- ` markers on a line) counted with no regard to quoting: a backstop should the scan misread a quote. */
const MAX_RAW_FLOW_DEPTH = 10_000;

const SPACE = 32;
const TAB = 9;
const CR = 13;
/** Characters after which a value may start: line start (space), ':', '[', '{', ','. */
const VALUE_START = new Set([SPACE, 58, 91, 123, 44]);
/** `,` `[` `]` `{` `}` */
const FLOW_INDICATORS = new Set([44, 91, 93, 123, 125]);

/**
 * The nesting depth of `text`, or a number over `limit` as soon as the scan passes it: block
 * levels by indentation (each `- ` or `? ` entry marker opens one more), plus `[`/`{` flow levels
 * outside quoted scalars and comments.
 *
 * @example
 * yamlNestingDepth('a:\n  b: [1, [2]]\n'); // 4
 */
export function yamlNestingDepth(text: string, limit = MAX_YAML_DEPTH): number {
  const indents: number[] = [];
  let flow = 0;
  let rawFlow = 0;
  let quote = 0; // the open quote character code, 0 when none
  let blockScalarCol = -1; // lines indented deeper than this belong to a `|` or `>` scalar
  let prev = SPACE;
  let max = 0;
  const n = text.length;
  const isBlank = (c: number) => c === SPACE || c === TAB || c === CR || Number.isNaN(c);
  let i = 0;
  while (i < n) {
    // One line: [i, end).
    let end = text.indexOf('\n', i);
    if (end < 0) end = n;
    let p = i;
    // The previous non-space character decides whether a value may start here; in flow a line
    // break is plain white space (a plain scalar may go on: `a\n  'b` is one scalar).
    if (flow === 0) prev = SPACE;
    let lineDashes = 0;
    let dashCol = -1; // column of the line's last entry marker
    if (quote === 0 && flow === 0) {
      while (p < end && (text.charCodeAt(p) === SPACE || text.charCodeAt(p) === TAB)) p++;
      const c = text.charCodeAt(p);
      const col = p - i;
      if (blockScalarCol >= 0 && (p >= end || c === CR || col > blockScalarCol)) {
        i = end + 1; // text of a block scalar (or a blank line in it): nothing nests there
        continue;
      }
      blockScalarCol = -1;
      if (p < end && c !== 35 /* # */ && c !== CR) {
        while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
        indents.push(col);
        // "- - x" and "? x": each entry marker opens a level of its own.
        let markers = 0;
        while ((text.charCodeAt(p) === 45 || text.charCodeAt(p) === 63) && isBlank(text.charCodeAt(p + 1)) && p < end) {
          dashCol = p - i;
          p++;
          while (p < end && (text.charCodeAt(p) === SPACE || text.charCodeAt(p) === TAB)) p++;
          if (p >= end) break;
          indents.push(p - i);
          if (++markers > limit) return limit + 1;
        }
      }
    }
    // Flow brackets, quotes and block scalar indicators on the rest of the line.
    const lineCol = indents.length > 0 ? indents[indents.length - 1]! : 0;
    for (; p < end; p++) {
      const c = text.charCodeAt(p);
      if (c === 91 || c === 123) rawFlow++;
      else if ((c === 93 || c === 125) && rawFlow > 0) rawFlow--;
      // Backstop like rawFlow: entry markers counted whatever the scan thinks is quoted.
      else if (c === 45 && isBlank(text.charCodeAt(p + 1)) && ++lineDashes > MAX_RAW_FLOW_DEPTH) return limit + 1;
      if (quote !== 0) {
        if (c === 92 /* \ */ && quote === 34) p++;
        else if (c === quote) {
          if (quote === 39 && text.charCodeAt(p + 1) === 39)
            p++; // '' inside '...'
          else quote = 0;
        }
        prev = c;
        continue;
      }
      if (c === SPACE || c === TAB) continue;
      if (c === 35 /* # */ && (p === i || isBlank(text.charCodeAt(p - 1)))) break;
      // A quote, bracket or block indicator starts a node only where a value may start (else it is
      // part of a plain scalar: `name: it's`, `path: a[0]`, `:[x: 1`); in flow, brackets always count.
      const atValueStart = VALUE_START.has(prev);
      let indicator = false; // whether `c` is YAML syntax here (else it is scalar text)
      if ((c === 34 || c === 39) && atValueStart) quote = c;
      else if ((c === 91 || c === 123) && (flow > 0 || atValueStart)) {
        indicator = true;
        flow++;
        if (indents.length + flow > max) max = indents.length + flow;
        if (max > limit) return max;
      } else if ((c === 93 || c === 125) && flow > 0) flow--;
      // A block scalar's text is indented past its key, or past the entry marker it follows.
      else if ((c === 124 || c === 62) /* | > */ && atValueStart && flow === 0)
        blockScalarCol = prev === SPACE && dashCol >= 0 ? dashCol : lineCol;
      // ':' is a value indicator before a blank; in flow also before a flow indicator or right
      // after a quoted or bracketed key (`{"a":1}`); ',' only in flow.
      else if (c === 58) {
        const next = text.charCodeAt(p + 1);
        const before = text.charCodeAt(p - 1);
        indicator =
          isBlank(next) ||
          (flow > 0 &&
            (FLOW_INDICATORS.has(next) || before === 34 || before === 39 || before === 93 || before === 125));
      } else if (c === 44) indicator = flow > 0;
      prev = indicator ? c : 97;
    }
    const depth = indents.length + flow;
    if (depth > max) max = depth;
    if (max > limit || rawFlow > MAX_RAW_FLOW_DEPTH) return Math.max(max, limit + 1);
    i = end + 1;
  }
  return max;
}

/** True when `text` nests no deeper than `limit`. */
export function withinYamlDepth(text: string, limit = MAX_YAML_DEPTH): boolean {
  return yamlNestingDepth(text, limit) <= limit;
}
