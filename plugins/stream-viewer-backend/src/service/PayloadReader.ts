import {
  decodePayload,
  getAtPath,
  type DecodedKind,
} from '@stacktalk/plugin-stream-viewer-common';

/** A node of the paths' trie: what to look for under a value reached by some path prefix. */
interface Node {
  /** Paths (indices) that end at this value. */
  ends: number[];
  /** Every path ending at or under this value: cleared when such a value is met again (a duplicate key wins). */
  under: number[];
  /** Object keys to descend into, as ASCII bytes, with their nodes. */
  keys: Uint8Array[];
  keyNodes: Node[];
  /** Array indices to descend into. */
  indices: number[];
  indexNodes: Node[];
}

const FAIL = -1;

/** `JSON.parse` whitespace; `trim()` also takes vertical tab and form feed around the text. */
const isJsonSpace = (c: number) =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isTrimSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
/** Bytes that end the plain run of a string: the quote, a backslash, control and non-ASCII bytes. */
const SPECIAL = new Uint8Array(256).map((_, c) =>
  c === 0x22 || c === 0x5c || c < 0x20 || c >= 0x80 ? 1 : 0,
);
/** The literals by their first byte. */
const LITERALS = new Map(
  ['true', 'false', 'null'].map(word => [
    word.charCodeAt(0),
    Uint8Array.from(word, ch => ch.charCodeAt(0)),
  ]),
);

function node(): Node {
  return {
    ends: [],
    under: [],
    keys: [],
    keyNodes: [],
    indices: [],
    indexNodes: [],
  };
}

/**
 * What the hub needs of a payload, read in one pass over its bytes: its kind (exactly as
 * `decodePayload` decides it) and the values at a few JSON paths, `numbers[i]` (a finite number,
 * else NaN) and `strings[i]` (a string, else undefined) for `paths[i]`.
 *
 * A JSON object or array of ASCII text, by far the usual message, is validated and read without
 * building a string or an object; a value is made only where a path ends. Anything else (other
 * kinds, non-ASCII bytes, escapes inside a key on a path, invalid JSON) goes through
 * `decodePayload` and `getAtPath`, so the answer is the same either way.
 */
export class PayloadReader {
  readonly numbers: Float64Array;
  readonly strings: Array<string | undefined>;
  private readonly root = node();
  /** Paths whose meaning depends on JS property lookup (`length` of an array, `["0"]`): always the slow way. */
  private readonly fast: boolean;
  /** The scanner's stack: per open container its opening byte, trie node and element index. */
  private readonly containers: number[] = [];
  private readonly containerNodes: Array<Node | undefined> = [];
  private readonly indices: number[] = [];

  constructor(private readonly paths: Array<Array<string | number>>) {
    this.numbers = new Float64Array(paths.length);
    this.strings = new Array(paths.length).fill(undefined);
    let fast = true;
    paths.forEach((path, p) => {
      let n = this.root;
      n.under.push(p);
      for (const segment of path) {
        if (
          typeof segment === 'string' &&
          (/^\d+$/.test(segment) ||
            segment === 'length' ||
            /[^\x20-\x7e]/.test(segment))
        )
          fast = false;
        n =
          typeof segment === 'number'
            ? this.child(n, segment, String(segment))
            : this.child(n, undefined, segment);
        n.under.push(p);
      }
      n.ends.push(p);
    });
    this.fast = fast;
  }

  /** The node under `n` for an array index and/or an object key (a number segment is both: `obj[0]` is `obj["0"]`). */
  private child(n: Node, index: number | undefined, key: string): Node {
    const bytes = Uint8Array.from(key, ch => ch.charCodeAt(0));
    let at = n.keys.findIndex(
      k => k.length === bytes.length && k.every((c, i) => c === bytes[i]),
    );
    if (at < 0) {
      n.keys.push(bytes);
      n.keyNodes.push(
        index !== undefined && n.indices.includes(index)
          ? n.indexNodes[n.indices.indexOf(index)]
          : node(),
      );
      at = n.keys.length - 1;
    }
    const found = n.keyNodes[at];
    if (index !== undefined && !n.indices.includes(index)) {
      n.indices.push(index);
      n.indexNodes.push(found);
    }
    return found;
  }

  /**
   * Reads `bytes` (from `from` to `to`): returns its kind and leaves the paths' values in
   * `numbers` and `strings`.
   */
  read(bytes: Uint8Array, from = 0, to = bytes.length): DecodedKind {
    this.clear();
    if (this.fast && this.scan(bytes, from, to)) return 'json';
    return this.slow(bytes.subarray(from, to));
  }

  /**
   * `paths[p]`'s value as an event time in epoch ms: a number (seconds below 1e11, else
   * milliseconds) or a date string; `fallback` when it is neither.
   */
  time(p: number, fallback: number): number {
    const n = this.numbers[p];
    if (!Number.isNaN(n)) return n < 1e11 ? n * 1000 : n;
    const text = this.strings[p];
    if (text !== undefined) {
      const t = Date.parse(text);
      if (!Number.isNaN(t)) return t;
    }
    return fallback;
  }

  private clear() {
    for (let p = 0; p < this.numbers.length; p++) {
      this.numbers[p] = Number.NaN;
      this.strings[p] = undefined;
    }
  }

  private slow(bytes: Uint8Array): DecodedKind {
    this.clear();
    const decoded = decodePayload(bytes);
    for (let p = 0; p < this.paths.length; p++) {
      let v: unknown;
      if (decoded.kind === 'json') v = getAtPath(decoded.value, this.paths[p]);
      else if (decoded.kind === 'number' && this.paths[p].length === 0)
        v = decoded.value;
      if (typeof v === 'number' && Number.isFinite(v)) this.numbers[p] = v;
      else if (typeof v === 'string') this.strings[p] = v;
    }
    return decoded.kind;
  }

  /**
   * The fast way: true when `b[start, stop)` is a JSON object or array of ASCII text, values read. One
   * loop with its own stack of open containers (no recursion: no call per value, and no depth
   * that could overflow the JS stack).
   */
  private scan(b: Uint8Array, start: number, stop: number): boolean {
    let pos = start;
    let end = stop;
    while (pos < end && isTrimSpace(b[pos])) pos++;
    while (end > pos && isTrimSpace(b[end - 1])) end--;
    if (pos === end || (b[pos] !== 0x7b && b[pos] !== 0x5b)) return false;
    const { numbers, strings, containers, containerNodes, indices } = this;
    let depth = 0;
    /** The trie node of the value about to be read (undefined: no path leads there). */
    let n: Node | undefined = this.root;
    let key = false;
    for (;;) {
      if (key) {
        // An object's key, then its colon; the value's node is the key's child.
        if (b[pos] !== 0x22) return false;
        const after = skipString(b, pos, end);
        if (after === FAIL) return false;
        const parent = containerNodes[depth - 1];
        n = undefined;
        if (parent !== undefined && parent.keys.length) {
          // An escaped key could spell a key on a path: only the slow way can tell.
          if (after < 0) return false;
          const from = pos + 1;
          const length = after - 1 - from;
          for (let k = 0; k < parent.keys.length; k++) {
            const name = parent.keys[k];
            if (name.length !== length) continue;
            let i = 0;
            while (i < length && name[i] === b[from + i]) i++;
            if (i === length) {
              n = parent.keyNodes[k];
              break;
            }
          }
        }
        pos = after < 0 ? ~after : after;
        while (isJsonSpace(b[pos])) pos++;
        if (b[pos] !== 0x3a) return false;
        pos++;
        while (isJsonSpace(b[pos])) pos++;
        key = false;
      }
      // A value at `pos`.
      if (n !== undefined)
        for (const p of n.under) {
          numbers[p] = Number.NaN;
          strings[p] = undefined;
        }
      const c = b[pos];
      if (c === 0x7b || c === 0x5b) {
        pos++;
        while (isJsonSpace(b[pos])) pos++;
        if (b[pos] === c + 2) pos++; // {} or []
        else {
          containers[depth] = c;
          containerNodes[depth] = n;
          indices[depth] = 0;
          depth++;
          if (c === 0x7b) key = true;
          else
            n =
              n !== undefined && n.indices.length ? indexNode(n, 0) : undefined;
          continue;
        }
      } else if (c === 0x22) {
        const after = skipString(b, pos, end);
        if (after === FAIL) return false;
        if (n !== undefined && n.ends.length) {
          // A string is kept only where a path ends (a timestamp field); escapes take the slow way.
          if (after < 0) return false;
          let text = '';
          for (let i = pos + 1; i < after - 1; i++)
            text += String.fromCharCode(b[i]);
          for (const p of n.ends) strings[p] = text;
        }
        pos = after < 0 ? ~after : after;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        const from = pos;
        if (c === 0x2d) pos++;
        if (b[pos] === 0x30) pos++;
        else if (b[pos] >= 0x31 && b[pos] <= 0x39)
          while (pos < end && b[pos] >= 0x30 && b[pos] <= 0x39) pos++;
        else return false;
        let integer = true;
        if (b[pos] === 0x2e) {
          integer = false;
          pos++;
          if (!(b[pos] >= 0x30 && b[pos] <= 0x39)) return false;
          while (pos < end && b[pos] >= 0x30 && b[pos] <= 0x39) pos++;
        }
        if (b[pos] === 0x65 || b[pos] === 0x45) {
          integer = false;
          pos++;
          if (b[pos] === 0x2b || b[pos] === 0x2d) pos++;
          if (!(b[pos] >= 0x30 && b[pos] <= 0x39)) return false;
          while (pos < end && b[pos] >= 0x30 && b[pos] <= 0x39) pos++;
        }
        if (n !== undefined && n.ends.length) {
          const v = numberAt(b, from, pos, integer);
          if (Number.isFinite(v)) for (const p of n.ends) numbers[p] = v;
        }
      } else {
        const word = LITERALS.get(c);
        if (word === undefined || pos + word.length > end) return false;
        for (let i = 1; i < word.length; i++)
          if (b[pos + i] !== word[i]) return false;
        pos += word.length;
      }
      // After a value: the next one in its container, or the container's end (itself a value).
      for (;;) {
        if (depth === 0) return pos === end;
        while (isJsonSpace(b[pos])) pos++;
        const close = b[pos++];
        const open = containers[depth - 1];
        if (close === 0x2c) {
          while (isJsonSpace(b[pos])) pos++;
          if (open === 0x7b) key = true;
          else {
            const parent = containerNodes[depth - 1];
            const index = ++indices[depth - 1];
            n =
              parent !== undefined && parent.indices.length
                ? indexNode(parent, index)
                : undefined;
          }
          break;
        }
        if (close !== open + 2) return false;
        depth--;
      }
    }
  }
}

function indexNode(n: Node, index: number): Node | undefined {
  const at = n.indices.indexOf(index);
  return at < 0 ? undefined : n.indexNodes[at];
}

/**
 * Validates the string whose opening quote is at `pos`: FAIL when it is not valid (or not ASCII),
 * else the position after its closing quote, bitwise-inverted (negative) if it has escapes.
 */
function skipString(b: Uint8Array, quote: number, end: number): number {
  let escaped = false;
  let pos = quote + 1;
  for (;;) {
    if (pos >= end) return FAIL;
    const c = b[pos];
    if (SPECIAL[c] === 0) {
      pos++;
      continue;
    }
    if (c === 0x22) break;
    if (c !== 0x5c) return FAIL; // control or non-ASCII byte
    escaped = true;
    const e = b[pos + 1];
    if (e === 0x75) {
      for (let k = 2; k < 6; k++) {
        const h = b[pos + k];
        if (
          !(
            (h >= 0x30 && h <= 0x39) ||
            (h >= 0x41 && h <= 0x46) ||
            (h >= 0x61 && h <= 0x66)
          )
        )
          return FAIL;
      }
      pos += 6;
    } else if (
      e === 0x22 ||
      e === 0x5c ||
      e === 0x2f ||
      e === 0x62 ||
      e === 0x66 ||
      e === 0x6e ||
      e === 0x72 ||
      e === 0x74
    )
      pos += 2;
    else return FAIL;
  }
  return escaped ? ~(pos + 1) : pos + 1;
}

/** The JSON number in `b[from, to)`, exactly as JSON.parse reads it. */
function numberAt(
  b: Uint8Array,
  from: number,
  to: number,
  integer: boolean,
): number {
  const negative = b[from] === 0x2d;
  if (integer && to - from <= 15) {
    // Up to 15 digits a double holds the integer exactly.
    let v = 0;
    for (let i = negative ? from + 1 : from; i < to; i++)
      v = v * 10 + (b[i] - 0x30);
    return negative ? -v : v;
  }
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(b[i]);
  return Number(text);
}
