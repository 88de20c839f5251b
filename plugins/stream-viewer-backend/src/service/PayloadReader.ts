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
const EMPTY = Buffer.alloc(0);

/** `JSON.parse` whitespace; `trim()` also takes vertical tab and form feed around the text. */
const isJsonSpace = (c: number) =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Bytes that end the plain run of a string: the quote, a backslash, control and non-ASCII bytes. */
const SPECIAL = new Uint8Array(256).map((_, c) =>
  c === 0x22 || c === 0x5c || c < 0x20 || c >= 0x80 ? 1 : 0,
);
const isTrimSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

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
  private b: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;

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

  /** Reads `bytes`: returns its kind and leaves the paths' values in `numbers` and `strings`. */
  read(bytes: Uint8Array): DecodedKind {
    this.clear();
    try {
      if (this.fast && this.scan(bytes)) return 'json';
    } catch {
      // nested too deep for the stack: the slow way says what it is
    }
    return this.slow(bytes);
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

  /** The fast way: true when `bytes` is a JSON object or array of ASCII text, values read. */
  private scan(bytes: Uint8Array): boolean {
    let start = 0;
    let end = bytes.length;
    while (start < end && isTrimSpace(bytes[start])) start++;
    while (end > start && isTrimSpace(bytes[end - 1])) end--;
    const first = bytes[start];
    if (start === end || (first !== 0x7b && first !== 0x5b)) return false;
    this.b = bytes;
    this.pos = start;
    this.end = end;
    const ok = this.value(this.root) !== FAIL && this.pos === end;
    this.b = EMPTY; // not keeping a fetch's buffer alive
    return ok;
  }

  private space() {
    const b = this.b;
    let pos = this.pos;
    while (pos < this.end && isJsonSpace(b[pos])) pos++;
    this.pos = pos;
  }

  /** One value at `this.pos` (no space before it); `n` is its trie node, if a path leads here. */
  private value(n: Node | undefined): number {
    if (n)
      for (const p of n.under) {
        this.numbers[p] = Number.NaN;
        this.strings[p] = undefined;
      }
    const c = this.b[this.pos];
    if (c === 0x22) {
      const from = this.pos + 1;
      if (this.string() === FAIL) return FAIL;
      if (n?.ends.length) {
        // A string is kept only where a path ends (a timestamp field); escapes take the slow way.
        let text = '';
        for (let i = from; i < this.pos - 1; i++) {
          if (this.b[i] === 0x5c) return FAIL;
          text += String.fromCharCode(this.b[i]);
        }
        for (const p of n.ends) this.strings[p] = text;
      }
      return 0;
    }
    if (c === 0x7b) return this.object(n);
    if (c === 0x5b) return this.array(n);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(n);
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    return FAIL;
  }

  private literal(word: string): number {
    if (this.pos + word.length > this.end) return FAIL;
    for (let i = 0; i < word.length; i++)
      if (this.b[this.pos + i] !== word.charCodeAt(i)) return FAIL;
    this.pos += word.length;
    return 0;
  }

  /** Skips a string (at its opening quote), validating it; returns FAIL, or the position of its first backslash (0: none). */
  private string(): number {
    const b = this.b;
    const end = this.end;
    let pos = this.pos + 1;
    let escape = 0;
    for (;;) {
      if (pos >= end) return FAIL;
      const c = b[pos];
      if (SPECIAL[c] === 0) {
        pos++;
        continue;
      }
      if (c === 0x22) break;
      if (c < 0x20 || c >= 0x80) return FAIL;
      if (c === 0x5c) {
        if (!escape) escape = pos;
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
          continue;
        }
        if (
          e !== 0x22 &&
          e !== 0x5c &&
          e !== 0x2f &&
          e !== 0x62 &&
          e !== 0x66 &&
          e !== 0x6e &&
          e !== 0x72 &&
          e !== 0x74
        )
          return FAIL;
        pos += 2;
        continue;
      }
      pos++;
    }
    this.pos = pos + 1;
    return escape;
  }

  private number(n: Node | undefined): number {
    const b = this.b;
    const end = this.end;
    const from = this.pos;
    let pos = from;
    if (b[pos] === 0x2d) pos++;
    if (b[pos] === 0x30) pos++;
    else if (b[pos] >= 0x31 && b[pos] <= 0x39)
      while (pos < end && b[pos] >= 0x30 && b[pos] <= 0x39) pos++;
    else return FAIL;
    let integer = true;
    if (b[pos] === 0x2e) {
      integer = false;
      pos++;
      if (!(b[pos] >= 0x30 && b[pos] <= 0x39)) return FAIL;
      while (pos < end && b[pos] >= 0x30 && b[pos] <= 0x39) pos++;
    }
    if (b[pos] === 0x65 || b[pos] === 0x45) {
      integer = false;
      pos++;
      if (b[pos] === 0x2b || b[pos] === 0x2d) pos++;
      if (!(b[pos] >= 0x30 && b[pos] <= 0x39)) return FAIL;
      while (pos < end && b[pos] >= 0x30 && b[pos] <= 0x39) pos++;
    }
    this.pos = pos;
    if (n?.ends.length) {
      let v: number;
      const negative = b[from] === 0x2d;
      if (integer && pos - from <= 15) {
        // Up to 15 digits a double holds the integer exactly, as JSON.parse would.
        v = 0;
        for (let i = negative ? from + 1 : from; i < pos; i++)
          v = v * 10 + (b[i] - 0x30);
        if (negative) v = -v;
      } else {
        let text = '';
        for (let i = from; i < pos; i++) text += String.fromCharCode(b[i]);
        v = Number(text);
      }
      if (Number.isFinite(v)) for (const p of n.ends) this.numbers[p] = v;
    }
    return 0;
  }

  private object(n: Node | undefined): number {
    const b = this.b;
    this.pos++;
    this.space();
    if (b[this.pos] === 0x7d) {
      this.pos++;
      return 0;
    }
    const keys = n && n.keys.length ? n : undefined;
    for (;;) {
      if (b[this.pos] !== 0x22) return FAIL;
      const from = this.pos + 1;
      const escape = this.string();
      if (escape === FAIL) return FAIL;
      let next: Node | undefined;
      if (keys) {
        // An escaped key could spell a key on a path: only the slow way can tell.
        if (escape) return FAIL;
        const length = this.pos - 1 - from;
        for (let k = 0; k < keys.keys.length; k++) {
          const key = keys.keys[k];
          if (key.length !== length) continue;
          let i = 0;
          while (i < length && key[i] === b[from + i]) i++;
          if (i === length) {
            next = keys.keyNodes[k];
            break;
          }
        }
      }
      this.space();
      if (b[this.pos] !== 0x3a) return FAIL;
      this.pos++;
      this.space();
      if (this.value(next) === FAIL) return FAIL;
      this.space();
      const c = b[this.pos];
      this.pos++;
      if (c === 0x7d) return 0;
      if (c !== 0x2c) return FAIL;
      this.space();
    }
  }

  private array(n: Node | undefined): number {
    const b = this.b;
    this.pos++;
    this.space();
    if (b[this.pos] === 0x5d) {
      this.pos++;
      return 0;
    }
    const indices = n && n.indices.length ? n : undefined;
    for (let index = 0; ; index++) {
      let next: Node | undefined;
      if (indices) {
        const at = indices.indices.indexOf(index);
        if (at >= 0) next = indices.indexNodes[at];
      }
      if (this.value(next) === FAIL) return FAIL;
      this.space();
      const c = b[this.pos];
      this.pos++;
      if (c === 0x5d) return 0;
      if (c !== 0x2c) return FAIL;
      this.space();
    }
  }
}
