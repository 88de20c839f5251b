import type {
  FilterClause,
  StreamFilter,
} from '@stacktalk/plugin-stream-viewer-common';
import type { MessageStore } from './MessageStore';
import { PayloadReader } from './PayloadReader';
import { RingRollup, SecondsOf, type Buckets } from './RingRollup';

/** Windows up to this long are drawn from 100 ms buckets, longer ones from 1 s buckets. */
export const FINE_RETENTION_MS = 5 * 60_000 + 10_000;

/**
 * Whether `clause` can be decided from what `PayloadReader` reads (a finite number or a string
 * at the path, else "something else"). `true`/`false`/`null` literals and numbers beyond a
 * double cannot: such filters decode each payload (`decodePayload`) as `StreamFilter.test` does.
 */
const readable = (c: FilterClause) =>
  typeof c.value === 'string' ||
  (typeof c.value === 'number' && Number.isFinite(c.value));

/** `clause` on the value a reader found at its path: `n` (NaN: not a finite number), `s` (undefined: not a string). */
function holds(c: FilterClause, n: number, s: string | undefined): boolean {
  const v = c.value;
  switch (c.op) {
    case '~':
      return s !== undefined && s.includes(v as string);
    case '==':
      return typeof v === 'number' ? n === v : s === v;
    case '!=':
      return typeof v === 'number' ? n !== v : s !== v;
    case '>':
      return n > (v as number);
    case '>=':
      return n >= (v as number);
    case '<':
      return n < (v as number);
    default:
      return n <= (v as number);
  }
}

/**
 * Reads the paths of several filters in one pass over each payload (the trie of
 * `PayloadReader`), then tests each filter on the values read: with 100 viewers' filters on a
 * stream each message is scanned once, not 100 times.
 */
export class FilterSet {
  private reader!: PayloadReader;
  /** Per filter, per clause: the index of its path in the reader. */
  private slots: number[][] = [];

  constructor(private readonly filters: StreamFilter[]) {
    const paths = new Map<string, number>();
    const list: Array<Array<string | number>> = [];
    this.slots = filters.map(f =>
      f.clauses.map(c => {
        const id = JSON.stringify(c.path);
        let at = paths.get(id);
        if (at === undefined) {
          at = list.length;
          paths.set(id, at);
          list.push(c.path);
        }
        return at;
      }),
    );
    this.reader = new PayloadReader(list);
  }

  /** Whether every filter of the set can be decided from the reader's values. */
  static fast(filter: StreamFilter) {
    return filter.clauses.every(readable);
  }

  /** Reads a payload; then {@link test} answers for each filter. */
  read(bytes: Uint8Array): boolean {
    return this.reader.read(bytes) === 'json';
  }

  /** Reads message i of `store` where it lies; then {@link test} answers for each filter. */
  readStored(store: MessageStore, i: number): boolean {
    return store.readPayload(i, this.reader) === 'json';
  }

  test(k: number): boolean {
    const clauses = this.filters[k].clauses;
    const slots = this.slots[k];
    const { numbers, strings } = this.reader;
    for (let i = 0; i < clauses.length; i++)
      if (!holds(clauses[i], numbers[slots[i]], strings[slots[i]]))
        return false;
    return true;
  }
}

/**
 * What a filtered view has counted: its matches' rollups (per second for the rates, per 100 ms
 * for windows up to 5 minutes) and the store positions of its latest matches (for raw points
 * and the latest-messages table). Work per message is done once, when the message is new (or,
 * for a view opened on a full buffer, once while it catches up in bounded slices): a snapshot
 * reads the rollups, never the buffer.
 */
export class FilterView {
  /** Rates per second: summed from `tenths` for short windows, else a ring of its own. */
  seconds!: Buckets;
  tenths?: RingRollup;
  private ownSeconds?: RingRollup;
  /** Decided from `PayloadReader`'s values (else each payload is decoded). */
  readonly fast: boolean;
  /** Store position (sequence number) of the next message to test. */
  next = 0;
  /** The view has every matching message from this time on. */
  coveredFrom = 0;
  /** Messages tested while catching up with the buffer, and how many there were to test. */
  tested = 0;
  toTest = 0;
  /** Sequence numbers of the latest matches, a ring of `hits.length`. */
  readonly hits: Float64Array;
  hitCount = 0;
  subscribers = 0;
  private values = new Float64Array(0);

  constructor(
    readonly filter: StreamFilter,
    readonly windowMs: number,
    store: MessageStore,
    from: number,
    keep: number,
  ) {
    this.hits = new Float64Array(keep);
    this.fast = FilterSet.fast(filter);
    this.restart(store, from);
  }

  /** Counts again from the first message at or after `from` (new, or the store was reordered). */
  restart(store: MessageStore, from: number) {
    if (this.windowMs <= FINE_RETENTION_MS - 10_000) {
      this.tenths = new RingRollup(100, this.windowMs + 60_000);
      this.seconds = new SecondsOf(this.tenths);
      this.ownSeconds = undefined;
    } else {
      this.tenths = undefined;
      this.ownSeconds = new RingRollup(1000, this.windowMs + 60_000);
      this.seconds = this.ownSeconds;
    }
    this.hitCount = 0;
    const first = store.firstAtOrAfter(from);
    this.next = store.dropped + first;
    this.tested = 0;
    this.toTest = store.length - first;
    this.coveredFrom = from;
  }

  /** Whether the view has tested every message of the store. */
  live(store: MessageStore) {
    return this.next === store.dropped + store.length;
  }

  /** A filter a `FilterSet` cannot decide, on message i of the store (decoded, as `StreamFilter.test` expects). */
  testAlone(store: MessageStore, i: number): boolean {
    return store.kind(i) === 'json' && this.filter.test(store.valueAt(i));
  }

  /** Eviction overtook the view (its next message is gone): it goes on from the oldest kept, complete only from there. */
  skipEvicted(store: MessageStore) {
    if (this.next >= store.dropped) return;
    this.next = store.dropped;
    if (store.length)
      this.coveredFrom = Math.max(this.coveredFrom, store.timestamp(0));
  }

  /** Counts message i of the store as a match. */
  count(store: MessageStore, i: number, fields: number) {
    if (this.values.length !== fields) this.values = new Float64Array(fields);
    for (let f = 0; f < fields; f++) this.values[f] = store.value(i, f);
    const timestamp = store.timestamp(i);
    const partition = store.partition(i);
    (this.tenths ?? this.ownSeconds)!.add(timestamp, partition, this.values);
    this.hits[this.hitCount++ % this.hits.length] = store.dropped + i;
  }

  /** Store indices of the latest matches still kept, at or after `from`, oldest first (at most `n`). */
  latestHits(store: MessageStore, from: number, n = this.hits.length) {
    const out: number[] = [];
    const size = this.hits.length;
    for (let k = 1; k <= Math.min(this.hitCount, size, n); k++) {
      const i = this.hits[(this.hitCount - k) % size] - store.dropped;
      if (i < 0 || store.timestamp(i) < from) break;
      out.push(i);
    }
    return out.reverse();
  }

  /**
   * Whether {@link latestHits} holds every match since `from`: the store has kept every message
   * since then (`rawFrom`: from when it has), the view has counted since then, and the ring
   * reaches further back.
   */
  holdsAllSince(store: MessageStore, from: number, rawFrom: number) {
    if (rawFrom > from || this.coveredFrom > from) return false;
    if (this.hitCount < this.hits.length) return true;
    const oldest = this.hits[this.hitCount % this.hits.length] - store.dropped;
    return oldest < 0 || store.timestamp(oldest) < from;
  }
}

/**
 * Tests messages for several views at once, each view only on messages from its own `next` on:
 * a payload is read once for all the views' filters that `FilterSet` decides. Used for the
 * views that are up to date (on each new batch) and for those catching up with the buffer.
 */
export class ViewTester {
  private cached?: { views: FilterView[]; set: FilterSet };

  private setFor(views: FilterView[]): FilterSet {
    const c = this.cached;
    if (
      c &&
      c.views.length === views.length &&
      c.views.every((v, k) => v === views[k])
    )
      return c.set;
    const set = new FilterSet(views.map(v => v.filter));
    this.cached = { views, set };
    return set;
  }

  /** Tests the messages with sequence numbers [from, to) of `store`; every view has then tested up to `to`. */
  run(
    store: MessageStore,
    views: FilterView[],
    from: number,
    to: number,
    fields: number,
  ) {
    const fast = views.filter(v => v.fast);
    const slow = views.filter(v => !v.fast);
    const set = fast.length ? this.setFor(fast) : undefined;
    let firstFast = Infinity;
    for (const v of fast) firstFast = Math.min(firstFast, v.next);
    for (let seq = from; seq < to; seq++) {
      const i = seq - store.dropped;
      if (set && seq >= firstFast && set.readStored(store, i))
        for (let k = 0; k < fast.length; k++)
          if (fast[k].next <= seq && set.test(k))
            fast[k].count(store, i, fields);
      for (const v of slow)
        if (v.next <= seq && v.testAlone(store, i)) v.count(store, i, fields);
    }
    for (const v of views)
      if (v.next < to) {
        v.tested += to - Math.max(v.next, from);
        v.next = to;
      }
  }
}
