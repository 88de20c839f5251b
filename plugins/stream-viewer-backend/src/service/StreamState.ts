import {
  parseJsonPath,
  type BackfillProgress,
  type ConnectionState,
  type LatestMessage,
  type StreamFilter,
} from '@stacktalk/plugin-stream-viewer-common';
import { FilterView, FINE_RETENTION_MS, ViewTester } from './FilterView';
import { MessageStore } from './MessageStore';
import { PayloadReader } from './PayloadReader';
import { Rollup, type RollupInput } from './Rollup';
import {
  batchMessageId,
  startOf,
  type MessageBatch,
  type StreamSource,
} from './types';

/** One viewer of a stream (see `StreamHub.subscribe`). */
export interface Subscriber<Options = unknown> {
  options: Options;
  deliver: (...args: any[]) => boolean | void;
  /** Nothing older than this is shown (`now` and seeks). */
  floor: number;
  backfill?: BackfillProgress;
  backfillId?: string;
  filterKey: string;
  /** The filtered view this viewer shares with every viewer of the same filter and window. */
  view?: FilterView;
}

/**
 * Everything kept about one stream: the raw messages (bounded by count and by the longest
 * window) and per-second rollups for the whole hour, so a 1-hour chart of a 20k msg/s topic
 * needs 3,600 buckets, not 72 million messages.
 */
export class StreamState {
  /** Raw messages, oldest first (by event time, approximately: live order). */
  readonly store = new MessageStore();
  /** Latest event time evicted because of the count limit: raw data is complete only after it. */
  evictedUntil = 0;
  /** Per second for the whole hour (rates, long windows), per 100 ms for the last 5 minutes (short windows). */
  readonly seconds: Rollup;
  readonly tenths = new Rollup(100, FINE_RETENTION_MS, false);
  readonly fields: string[] = [];
  private readonly paths: Array<Array<string | number>> = [];
  /** The stream's timestamp field, read with the charted fields (after them) when there is one. */
  private readonly tsPath?: Array<string | number>;
  private reader!: PayloadReader;
  /** The reader's values of the charted fields (a view of `reader.numbers`). */
  private values!: Float64Array;
  total = 0;
  decodeFailures = 0;
  connection: ConnectionState = { state: 'connecting', since: Date.now() };
  /** What the reader reported besides messages (a skipped batch, say), the last 10, oldest first. */
  notices: string[] = [];
  subscribers = new Set<Subscriber<any>>();
  /** Filtered views by window and filter; each counts its matches as messages arrive. */
  readonly views = new Map<string, FilterView>();
  /** Tests new messages for the views that are up to date, and the buffer for those catching up. */
  private readonly liveTester = new ViewTester();
  private readonly catchUpTester = new ViewTester();
  private readonly decoded = new Map<number, LatestMessage>();
  private decodedGeneration = -1;
  stopTimer?: NodeJS.Timeout;
  /** The hub has every message from this time on (reader start, moved back by backfills). */
  coveredFrom = Date.now();
  /** When the live reader was created; earlier than `coveredFrom` once a backfill has read further back. */
  readonly liveSince = this.coveredFrom;
  wasLive = false;
  /** Backfills run one after the other, so each sees what the previous one covered. */
  backfillChain: Promise<unknown> = Promise.resolve();
  readonly backfills = new Map<string, BackfillProgress>();
  /** Reused for each message: what the rollups need of it. */
  private readonly rollupInput: RollupInput = { timestamp: 0, values: [] };

  constructor(
    readonly source: StreamSource,
    readonly maxMessages: number,
    readonly maxAgeMs: number,
  ) {
    this.seconds = new Rollup(1000, maxAgeMs + 60_000);
    if (source.timestampField)
      this.tsPath = parseJsonPath(source.timestampField);
    this.track([]);
  }

  /** Starts charting `fields` (values of buffered messages are computed now, rollups from now on). */
  track(fields: string[]) {
    const added = fields.filter(f => !this.fields.includes(f));
    if (added.length === 0 && this.reader) return;
    for (const field of added) {
      const path = parseJsonPath(field);
      this.fields.push(field);
      this.paths.push(path);
      this.store.addField(path);
    }
    this.reader = new PayloadReader(
      this.tsPath ? [...this.paths, this.tsPath] : this.paths,
    );
    this.values = this.reader.numbers.subarray(0, this.paths.length);
  }

  /**
   * Live batches are appended; history from a backfill is merged in time order, without
   * duplicates, and `history.earliest` lowered to the earliest event time it had.
   */
  add(batch: MessageBatch, history?: { earliest: number }) {
    const before = this.store.dropped + this.store.length;
    const known = history ? this.store.idSet() : undefined;
    let added = 0;
    const reader = this.reader;
    const values = this.values;
    const ts = this.tsPath ? this.paths.length : -1;
    const input = this.rollupInput;
    input.values = values;
    const { data, ends, keyLengths, idLengths, times, partitions } = batch;
    for (let k = 0; k < ends.length; k++) {
      const kind = reader.read(
        data,
        startOf(batch, k) + Math.max(0, keyLengths[k]),
        ends[k] - (idLengths ? idLengths[k] : 0),
      );
      const timestamp = ts < 0 ? times[k] : reader.time(ts, times[k]);
      // History counts as read even where the hub already had it (dropped here by id).
      if (history) history.earliest = Math.min(history.earliest, timestamp);
      if (known?.has(batchMessageId(batch, k))) continue;
      this.total++;
      if (kind === 'binary') this.decodeFailures++;
      input.timestamp = timestamp;
      input.partition = partitions[k] < 0 ? undefined : partitions[k];
      this.seconds.add(input);
      this.tenths.add(input);
      this.store.push(batch, k, timestamp, kind, values);
      added++;
    }
    this.store.flush();
    if (history && added) {
      this.store.sortByTime();
      this.restartViews();
    } else if (added) this.matchNew(before);
    this.evict();
    return added;
  }

  /**
   * Tests the messages from sequence number `from` on against the filters of every view that
   * has tested all before them: each payload is read once for all of them (`FilterSet`).
   * Views still catching up with the buffer test these later (`StreamHub`'s pump).
   */
  private matchNew(from: number) {
    const store = this.store;
    const views: FilterView[] = [];
    for (const v of this.views.values()) if (v.next === from) views.push(v);
    if (views.length)
      this.liveTester.run(
        store,
        views,
        from,
        store.dropped + store.length,
        this.fields.length,
      );
  }

  /**
   * Lets the views opened on a full buffer test it, all together (each payload read once for
   * all of them), for at most `budgetMs` and at most `maxMessages` messages. Returns whether
   * every view is up to date.
   */
  catchUp(budgetMs: number, maxMessages = Infinity): boolean {
    const store = this.store;
    const end = store.dropped + store.length;
    const behind: FilterView[] = [];
    let from = end;
    for (const v of this.views.values()) {
      v.skipEvicted(store);
      if (v.next < end) {
        behind.push(v);
        from = Math.min(from, v.next);
      }
    }
    const deadline = performance.now() + budgetMs;
    // Pieces of 1-2 ms: a payload read (about 1 µs) and a test per view (about 0.1 µs) a message.
    const piece = Math.max(50, Math.floor(2000 / (1 + behind.length / 10)));
    const last = Math.min(end, from + maxMessages);
    while (from < last) {
      const to = Math.min(last, from + piece);
      this.catchUpTester.run(store, behind, from, to, this.fields.length);
      from = to;
      if (performance.now() >= deadline) break;
    }
    return from >= end;
  }

  /** Where a view of the last `windowMs` starts counting: the buffer has every message from there on. */
  private viewStart(windowMs: number) {
    return Math.max(Date.now() - windowMs, this.evictedUntil + 1);
  }

  /** History reordered the buffer: every filtered view counts again from the start of its window. */
  private restartViews() {
    for (const v of this.views.values())
      v.restart(this.store, this.viewStart(v.windowMs));
  }

  /** A viewer's filtered view, shared by every viewer of the same filter and window. */
  openView(
    filterKey: string,
    subscriber: Subscriber<{ windowMs: number }>,
    filter: StreamFilter,
    keep: number,
  ) {
    const windowMs = subscriber.options.windowMs;
    const key = `${windowMs}|${filterKey}`;
    // From the window's start, or later for a viewer that sees only what comes after it opened.
    const start = Math.max(this.viewStart(windowMs), subscriber.floor);
    let view = this.views.get(key);
    if (!view) {
      view = new FilterView(filter, windowMs, this.store, start, keep);
      this.views.set(key, view);
    } else if (
      view.coveredFrom > start &&
      view.coveredFrom > this.viewStart(windowMs)
    )
      view.restart(this.store, start); // a viewer that wants more of the window than the view has counted
    view.subscribers++;
    subscriber.view = view;
    return () => {
      if (--view!.subscribers === 0) this.views.delete(key);
    };
  }

  /**
   * Message i of the store as the latest-messages table shows it, decoded once for every view
   * showing it (filtered views' latest matches overlap): kept by sequence number while the
   * store keeps its numbering, at most 5,000.
   */
  latestMessage(i: number): LatestMessage {
    const store = this.store;
    if (this.decodedGeneration !== store.generation) {
      this.decoded.clear();
      this.decodedGeneration = store.generation;
    }
    const seq = store.dropped + i;
    let message = this.decoded.get(seq);
    if (!message) {
      message = store.message(i);
      if (this.decoded.size >= 5000)
        this.decoded.delete(this.decoded.keys().next().value!);
      this.decoded.set(seq, message);
    }
    return message;
  }

  private evict() {
    const now = Date.now();
    const cutoff = now - this.maxAgeMs;
    const store = this.store;
    const over = store.length - this.maxMessages;
    if (over > 0) {
      for (let i = 0; i < over; i++)
        this.evictedUntil = Math.max(this.evictedUntil, store.timestamp(i));
      store.dropOldest(over);
    }
    let old = 0;
    while (old < store.length && store.timestamp(old) < cutoff) old++;
    if (old) store.dropOldest(old);
    this.seconds.sweep(now);
    this.tenths.sweep(now);
  }
}
