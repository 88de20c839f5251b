import {
  getAtPath,
  type DecodedKind,
  type LatestMessage,
  type StreamFilter,
} from '@stacktalk/plugin-stream-viewer-common';
import type { StreamMessage } from './types';

const KINDS: DecodedKind[] = ['json', 'number', 'text', 'binary'];
const KIND_CODE: Record<DecodedKind, number> = {
  json: 0,
  number: 1,
  text: 2,
  binary: 3,
};

/** A field of a decoded message (NaN: none); `$` of a plain-number message is the number itself. */
export function numberAt(
  kind: DecodedKind,
  value: unknown,
  path: Array<string | number>,
): number {
  let v: unknown;
  if (kind === 'json') v = getAtPath(value, path);
  else if (kind === 'number' && path.length === 0) v = value;
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

/**
 * The raw messages of one stream, oldest first, in columns: typed arrays for times, partitions,
 * offsets, sizes, kinds and each charted field (NaN where a message has none), and one slot per
 * message for its payload (the JSON text, not the parsed object), key and (Redis) id.
 *
 * A stream at 20k msg/s keeps 200,000 messages: as objects (message, decoded payload, values
 * array, id string) that is about a million long-lived heap objects for the garbage collector
 * to copy and trace; in columns it is one string per message. JSON is parsed again only when
 * someone looks: the latest 50, and a filter, which tests each message once per filter.
 */
export class MessageStore {
  private capacity = 0;
  /** Physical index of the oldest kept message; `length` messages follow it. */
  private head = 0;
  length = 0;
  private ts = new Float64Array(0);
  private partitions = new Int32Array(0);
  private offsets = new Float64Array(0);
  private sizes = new Int32Array(0);
  private kinds = new Uint8Array(0);
  private payloads: unknown[] = [];
  private keys: Array<string | undefined> = [];
  private ids: Array<string | undefined> = [];
  private fields: Float64Array[] = [];
  /** Per filter: 0 not tested yet, 1 matches, 2 does not (physical index). */
  private filters = new Map<string, Uint8Array>();

  /** Adds a column for a charted field and computes it for the kept messages. */
  addField(path: Array<string | number>) {
    const column = new Float64Array(this.capacity).fill(Number.NaN);
    for (let j = this.head; j < this.head + this.length; j++)
      column[j] = numberAt(KINDS[this.kinds[j]], this.valueAt(j), path);
    this.fields.push(column);
  }

  private grow(needed: number) {
    // Move the live part to the front when a quarter or more of the room is behind it (so each
    // message is moved O(1) times); otherwise double.
    if (this.head > 0 && this.head >= this.capacity / 4) {
      this.compact();
      if (needed <= this.capacity) return;
    }
    if (this.head > 0) this.compact();
    const capacity = Math.max(1024, this.capacity * 2, needed);
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
      fill?: number,
    ) => {
      const next = make(capacity);
      if (fill !== undefined) next.fill(fill, this.length);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.ts = widen(this.ts, n => new Float64Array(n));
    this.partitions = widen(this.partitions, n => new Int32Array(n));
    this.offsets = widen(this.offsets, n => new Float64Array(n));
    this.sizes = widen(this.sizes, n => new Int32Array(n));
    this.kinds = widen(this.kinds, n => new Uint8Array(n));
    this.fields = this.fields.map(f =>
      widen(f, n => new Float64Array(n), Number.NaN),
    );
    for (const [k, m] of this.filters)
      this.filters.set(
        k,
        widen(m, n => new Uint8Array(n)),
      );
    this.capacity = capacity;
  }

  private compact() {
    const h = this.head;
    const end = h + this.length;
    for (const column of [
      this.ts,
      this.partitions,
      this.offsets,
      this.sizes,
      this.kinds,
      ...this.fields,
      ...this.filters.values(),
    ])
      column.copyWithin(0, h, end);
    this.payloads.copyWithin(0, h, end);
    this.keys.copyWithin(0, h, end);
    this.ids.copyWithin(0, h, end);
    // Let go of what moved down (the strings it held).
    this.payloads.length = this.length;
    this.keys.length = this.length;
    this.ids.length = this.length;
    this.head = 0;
  }

  /**
   * Appends one decoded message with its field values already extracted (`values[i]` for field
   * column i). Only the JSON text is kept, never the parsed object.
   */
  push(m: StreamMessage, values: ArrayLike<number>) {
    let j = this.head + this.length;
    if (j >= this.capacity) {
      this.grow(this.length + 1);
      j = this.head + this.length;
    }
    this.ts[j] = m.timestamp;
    this.partitions[j] = m.partition ?? -1;
    this.offsets[j] = m.offset ?? Number.NaN;
    this.sizes[j] = m.size;
    const kind = m.decoded.kind;
    this.kinds[j] = KIND_CODE[kind];
    this.payloads[j] =
      kind === 'json' && m.decoded.text !== undefined
        ? m.decoded.text
        : m.decoded.value;
    this.keys[j] = m.key;
    this.ids[j] = m.offset === undefined ? m.id : undefined;
    for (let i = 0; i < this.fields.length; i++) this.fields[i][j] = values[i];
    for (const matches of this.filters.values()) matches[j] = 0;
    this.length++;
  }

  /** Drops the `n` oldest messages. */
  dropOldest(n: number) {
    const end = this.head + Math.min(n, this.length);
    for (let j = this.head; j < end; j++) {
      this.payloads[j] = undefined;
      this.keys[j] = undefined;
      this.ids[j] = undefined;
    }
    this.length -= end - this.head;
    this.head = end;
    if (this.length === 0) this.head = 0;
  }

  /** Event time of the i-th oldest kept message. */
  timestamp(i: number): number {
    return this.ts[this.head + i];
  }

  /** Value of field column `field` of the i-th message (NaN: none). */
  value(i: number, field: number): number {
    return this.fields[field][this.head + i];
  }

  partition(i: number): number | undefined {
    const p = this.partitions[this.head + i];
    return p < 0 ? undefined : p;
  }

  id(i: number): string {
    const j = this.head + i;
    return this.ids[j] ?? `${this.partitions[j]}:${this.offsets[j]}`;
  }

  private valueAt(j: number): unknown {
    const payload = this.payloads[j];
    // Kind 0 is JSON, kept only after it parsed once.
    return this.kinds[j] === 0 ? JSON.parse(payload as string) : payload;
  }

  /** The i-th oldest message with its payload decoded again. */
  message(i: number): LatestMessage {
    const j = this.head + i;
    const partition = this.partition(i);
    const key = this.keys[j];
    return {
      id: this.id(i),
      ...(partition !== undefined ? { partition } : {}),
      timestamp: this.ts[j],
      ...(key !== undefined ? { key } : {}),
      size: this.sizes[j],
      kind: KINDS[this.kinds[j]],
      value: this.valueAt(j),
    };
  }

  /** Index of the first message at or after `t` (binary search over the nearly sorted times). */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[this.head + mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whether the i-th message matches `filter`: each message is parsed and tested once per
   * filter, not once per tick. `key` names the filter.
   */
  matches(i: number, key: string, filter: StreamFilter): boolean {
    let column = this.filters.get(key);
    if (!column) {
      column = new Uint8Array(this.capacity);
      this.filters.set(key, column);
    }
    const j = this.head + i;
    if (column[j] === 0) {
      const hit = this.kinds[j] === 0 && filter.test(this.valueAt(j));
      column[j] = hit ? 1 : 2;
    }
    return column[j] === 1;
  }

  /** Forgets the results of filters nobody uses any more. */
  retainFilters(keys: Set<string>) {
    for (const key of this.filters.keys())
      if (!keys.has(key)) this.filters.delete(key);
  }

  /** Ids of all kept messages (to drop overlap when history is merged in). */
  idSet(): Set<string> {
    const set = new Set<string>();
    for (let i = 0; i < this.length; i++) set.add(this.id(i));
    return set;
  }

  /** Reorders the kept messages by event time (after history was appended); filter results are recomputed. */
  sortByTime() {
    this.compact();
    const n = this.length;
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => this.ts[a] - this.ts[b] || a - b,
    );
    const permute = <T extends { [i: number]: any }>(column: T) => {
      const copy = Array.from({ length: n }, (_, i) => column[order[i]]);
      for (let i = 0; i < n; i++) column[i] = copy[i];
    };
    permute(this.ts);
    permute(this.partitions);
    permute(this.offsets);
    permute(this.sizes);
    permute(this.kinds);
    permute(this.payloads);
    permute(this.keys);
    permute(this.ids);
    this.fields.forEach(permute);
    this.filters.clear();
  }
}
