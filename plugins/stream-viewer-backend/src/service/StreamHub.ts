import {
  parseJsonPath,
  type BackfillProgress,
  type ConnectionState,
  type Snapshot,
  type StreamFilter,
} from '@stacktalk/plugin-stream-viewer-common';
import { downsample, ratePerSecond, type Point } from './Downsampler';
import { MessageStore } from './MessageStore';
import { PayloadReader } from './PayloadReader';
import { Rollup, type RollupInput } from './Rollup';
import {
  batchMessageId,
  startOf,
  type MessageBatch,
  type StartPosition,
  type StreamSource,
} from './types';

/** What a subscriber wants to see. */
export interface ViewOptions {
  windowMs: number;
  /** JSON paths of numeric fields to chart. */
  fields: string[];
  filter?: StreamFilter;
  /** Only with `streams.payload.read`: otherwise no message contents leave the backend. */
  payloads: boolean;
  /** Default `now`: what arrives from the moment of subscribing. */
  start?: StartPosition;
}

export type {
  BackfillProgress,
  Snapshot,
} from '@stacktalk/plugin-stream-viewer-common';

/** `deliver(snapshot, encoded)`: `encoded()` is the snapshot as JSON, computed once for all viewers of the same view. */
export type Deliver = (
  snapshot: Snapshot,
  encoded: () => string,
) => boolean | void;

/** Windows up to this long are drawn from 100 ms buckets, longer ones from 1 s buckets. */
const FINE_RETENTION_MS = 5 * 60_000 + 10_000;

interface Subscriber {
  options: ViewOptions;
  deliver: Deliver;
  /** Nothing older than this is shown (`now` and seeks). */
  floor: number;
  backfill?: BackfillProgress;
  backfillId?: string;
  filterKey: string;
}

/**
 * Everything kept about one stream: the raw messages (bounded by count and by the longest
 * window) and per-second rollups for the whole hour, so a 1-hour chart of a 20k msg/s topic
 * needs 3,600 buckets, not 72 million messages.
 */
class StreamState {
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
  subscribers = new Set<Subscriber>();
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
    if (history && added) this.store.sortByTime();
    this.evict();
    return added;
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

export interface StreamHubOptions {
  createSource(key: string): StreamSource;
  /** Keep the reader this long after the last viewer left (default 30 s). */
  graceMs?: number;
  /** Snapshots per second per subscriber, at most (default 10). */
  maxRate?: number;
  /** Points per series per snapshot (default 1000). */
  maxPoints?: number;
  /** Raw messages kept per stream (default 200,000) and their longest age (default 1 h). */
  maxMessages?: number;
  maxAgeMs?: number;
  /** Messages one backfill reads at most (default 1,000,000). */
  maxBackfill?: number;
}

const LATEST = 50;
/** A sample takes a reader that has been reconnecting this long as the stream's state. */
const TROUBLE_SETTLES_MS = 3000;

/**
 * One upstream reader per stream, however many viewers: the first subscriber starts it, the
 * last one leaving stops it after a grace period. Every tick (at most `maxRate` a second) a
 * snapshot is computed once per distinct view (window, fields, filter, payloads, start) and
 * encoded once, whatever the number of viewers sharing it; a viewer that cannot take one (its
 * `deliver` returns false) simply gets the next, newer snapshot: nothing queues per viewer.
 */
export class StreamHub {
  private readonly streams = new Map<string, StreamState>();
  private timer?: NodeJS.Timeout;
  private readonly o: Required<Omit<StreamHubOptions, 'createSource'>>;
  /** Snapshots computed (one per distinct view per tick): for tests and the benchmark. */
  computed = 0;

  constructor(private readonly options: StreamHubOptions) {
    this.o = {
      graceMs: 30_000,
      maxRate: 10,
      maxPoints: 1000,
      maxMessages: 200_000,
      maxAgeMs: 3_600_000,
      maxBackfill: 1_000_000,
      ...options,
    };
  }

  /** Upstream readers running now. */
  get readerCount() {
    return this.streams.size;
  }

  subscribe(key: string, options: ViewOptions, deliver: Deliver): () => void {
    let stream = this.streams.get(key);
    if (!stream) {
      const source = this.options.createSource(key);
      const created = new StreamState(
        source,
        this.o.maxMessages,
        this.o.maxAgeMs,
      );
      stream = created;
      this.streams.set(key, created);
      source
        .start({
          onMessages: batch => created.add(batch),
          onState: s => {
            // A reader has every message only from when it is first live (a Kafka consumer
            // resolves its start offsets seconds after it was created).
            if (s.state === 'live' && !created.wasLive) {
              created.wasLive = true;
              created.coveredFrom = Math.max(created.coveredFrom, s.since);
            }
            created.connection = s;
          },
          onNotice: text =>
            (created.notices = [...created.notices.slice(-9), text]),
        })
        .catch(
          error =>
            (created.connection = {
              state: 'unreachable',
              reason: String((error as Error)?.message ?? error),
              since: Date.now(),
            }),
        );
    }
    clearTimeout(stream.stopTimer);
    stream.track(options.fields);
    const now = Date.now();
    const start = options.start ?? { kind: 'now' };
    let floor = now;
    if (start.kind === 'time') floor = start.at;
    if (start.kind === 'id') floor = Number(start.id.split('-')[0]);
    const subscriber: Subscriber = {
      options,
      deliver,
      floor,
      filterKey: options.filter
        ? JSON.stringify(
            options.filter.clauses.map(c => [c.source, c.op, c.value]),
          )
        : '',
    };
    if (start.kind !== 'now') this.backfill(stream, start, subscriber);
    stream.subscribers.add(subscriber);
    this.ensureTicking();
    const owner = stream;
    return () => {
      owner.subscribers.delete(subscriber);
      if (owner.subscribers.size === 0) {
        owner.stopTimer = setTimeout(() => {
          if (owner.subscribers.size === 0 && this.streams.get(key) === owner) {
            this.streams.delete(key);
            owner.source.stop().catch(() => {});
            owner.store.clear();
          }
        }, this.o.graceMs);
        owner.stopTimer.unref?.();
      }
    };
  }

  /** Reads history once per stream and position; viewers asking for the same one share it. */
  private backfill(
    stream: StreamState,
    start: Exclude<StartPosition, { kind: 'now' }>,
    subscriber: Subscriber,
  ) {
    const source = stream.source;
    if (start.kind === 'time' && start.at >= stream.coveredFrom) return; // the hub already has it
    const id = JSON.stringify(
      start.kind === 'time'
        ? { kind: 'time', at: Math.floor(start.at / 10_000) }
        : start,
    );
    const existing = stream.backfills.get(id);
    subscriber.backfillId = id;
    if (existing) {
      subscriber.backfill = existing;
      return;
    }
    const progress: BackfillProgress = { state: 'loading', loaded: 0 };
    subscriber.backfill = progress;
    stream.backfills.set(id, progress);
    if (!source.backfill) {
      Object.assign(progress, {
        state: 'failed',
        reason: 'this source cannot read history',
      });
      return;
    }
    const history = { earliest: Infinity };
    stream.backfillChain = stream.backfillChain.then(async () => {
      // Read up to a moment the live reader already covers (a Kafka consumer starts at the end
      // when it joins, seconds after it was created): wait until it is live. Overlap is dropped by id.
      for (
        let waited = 0;
        stream.connection.state !== 'live' && waited < 30_000;
        waited += 100
      )
        await new Promise(r => setTimeout(r, 100));
      const until =
        start.kind === 'time' && stream.coveredFrom < stream.liveSince
          ? stream.coveredFrom
          : Date.now();
      if (start.kind === 'time' && start.at >= until) {
        progress.state = 'done';
        return;
      }
      try {
        const { note, completeFrom } = await source.backfill!(
          start,
          until,
          batch => {
            progress.loaded += stream.add(batch, history);
          },
          this.o.maxBackfill,
        );
        if (progress.loaded >= this.o.maxBackfill)
          progress.reason = `stopped after ${this.o.maxBackfill.toLocaleString(
            'en',
          )} messages`;
        else if (note) progress.reason = note;
        progress.state = 'done';
        // A time seek, or a Redis id, read everything from its start: the hub now covers it.
        if (start.kind === 'time' && progress.loaded < this.o.maxBackfill)
          stream.coveredFrom = Math.min(
            stream.coveredFrom,
            Math.max(start.at, completeFrom ?? 0),
          );
        const earliest = history.earliest;
        if (Number.isFinite(earliest)) {
          if (start.kind === 'id')
            stream.coveredFrom = Math.min(stream.coveredFrom, earliest);
          if (start.kind === 'offset') {
            for (const s of stream.subscribers)
              if (s.backfill === progress)
                s.floor = Math.min(s.floor, earliest);
          }
        }
      } catch (error) {
        Object.assign(progress, {
          state: 'failed',
          reason: (error as Error).message,
        });
        stream.backfills.delete(id); // the next viewer may try again
      }
    });
  }

  /**
   * One snapshot of the last `windowMs` of a stream, history included, for figures outside the
   * live view (a report): subscribes from `windowMs` ago, waits until the reader is live and
   * the history read, or until it has been in trouble for {@link TROUBLE_SETTLES_MS} (history
   * waits for live, which may not come soon), or `timeoutMs`; and leaves.
   */
  sample(
    key: string,
    options: { windowMs: number; fields: string[] },
    timeoutMs = 20_000,
  ): Promise<Snapshot | undefined> {
    return new Promise(resolve => {
      let last: Snapshot | undefined;
      let done = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      let off: (() => void) | undefined = undefined;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        off?.();
        resolve(last);
      };
      off = this.subscribe(
        key,
        {
          ...options,
          payloads: false,
          start: { kind: 'time', at: Date.now() - options.windowMs },
        },
        s => {
          last = s;
          const { state, since } = s.connection;
          if (
            state === 'live'
              ? s.backfill?.state !== 'loading'
              : state !== 'connecting' &&
                Date.now() - since >= TROUBLE_SETTLES_MS
          )
            finish();
        },
      );
      timer = setTimeout(finish, timeoutMs);
    });
  }

  private ensureTicking() {
    if (this.timer) return;
    this.timer = setInterval(
      () => this.tick(),
      Math.round(1000 / this.o.maxRate),
    );
    this.timer.unref?.();
  }

  private tick() {
    const now = Date.now();
    for (const stream of this.streams.values()) {
      stream.store.retainFilters(
        new Set([...stream.subscribers].map(s => s.filterKey)),
      );
      const views = new Map<
        string,
        { snapshot: Snapshot; encoded: () => string }
      >();
      for (const s of stream.subscribers) {
        const { windowMs, fields, payloads } = s.options;
        const floor = s.floor > now - windowMs ? s.floor : 0;
        const signature = JSON.stringify([
          windowMs,
          fields,
          s.filterKey,
          payloads,
          floor,
          s.backfillId ?? '',
        ]);
        let view = views.get(signature);
        if (!view) {
          const snapshot = this.snapshot(stream, s, now);
          let json: string | undefined;
          view = {
            snapshot,
            encoded: () => (json ??= JSON.stringify(snapshot)),
          };
          views.set(signature, view);
        }
        try {
          s.deliver(view.snapshot, view.encoded);
        } catch {
          // a broken subscriber must not stop the others; its connection closes it
        }
      }
    }
    if ([...this.streams.values()].every(st => st.subscribers.size === 0)) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private snapshot(stream: StreamState, s: Subscriber, now: number): Snapshot {
    this.computed++;
    const { windowMs, fields, filter, payloads } = s.options;
    const from = Math.max(now - windowMs, s.floor);
    const lastSecond = Math.floor(now / 1000) - 1; // the current second is not complete yet
    const fieldIndex = fields.map(f => stream.fields.indexOf(f));
    const raw = stream.store;
    const series: Record<string, Point[]> = {};
    let rate: Point[];
    let ratePerPartition: Record<string, Point[]> | undefined;
    let matched: number;
    let coverage: Snapshot['coverage'];
    /** Indices in the store of the messages the latest table shows, oldest first. */
    let latest: number[];

    if (!filter) {
      // Raw points while they are few and complete; beyond that, min / max per bucket (100 ms for
      // windows up to 5 minutes, else 1 s): the cost follows the window, not the message rate.
      const rawFrom =
        stream.evictedUntil >= from ? stream.evictedUntil + 1 : from;
      const first = raw.firstAtOrAfter(from);
      const useRaw =
        rawFrom <= from && raw.length - first <= 2 * this.o.maxPoints;
      const level =
        windowMs <= FINE_RETENTION_MS - 10_000 ? stream.tenths : stream.seconds;
      fields.forEach((f, k) => {
        let points: Point[];
        if (useRaw) {
          points = [];
          for (let j = first; j < raw.length; j++) {
            const v = raw.value(j, fieldIndex[k]);
            if (!Number.isNaN(v)) points.push([raw.timestamp(j), v]);
          }
        } else {
          points = level.minMax(from, now + 1, fieldIndex[k]);
        }
        series[f] = downsample(points, this.o.maxPoints);
      });
      // Rates always from the rollups: complete even where raw messages were evicted.
      rate = [];
      const perPartition = new Map<number, Point[]>();
      // Whole seconds only: the second `from` falls in also holds messages before it. None
      // before the hub has every message (nor at all before the reader was first live, unless
      // history was read): a count there would be a made-up zero.
      const counted = stream.wasLive || stream.coveredFrom < stream.liveSince;
      const firstSecond = counted
        ? Math.ceil(Math.max(from, stream.coveredFrom) / 1000)
        : Infinity;
      matched = 0;
      for (let second = firstSecond; second <= lastSecond + 1; second++) {
        const b = stream.seconds.at(second);
        matched += b?.count ?? 0;
        if (second > lastSecond) break;
        rate.push([second * 1000, b?.count ?? 0]);
        b?.partitions?.forEach((_, p) => {
          if (!perPartition.has(p)) perPartition.set(p, []);
        });
      }
      // Where the raw buffer holds the whole window, count exactly, over the time the rates cover.
      if (rawFrom <= from)
        matched =
          raw.length - raw.firstAtOrAfter(Math.max(from, stream.coveredFrom));
      if (perPartition.size) {
        for (const [p, pts] of perPartition) {
          for (let second = firstSecond; second <= lastSecond; second++)
            pts.push([
              second * 1000,
              stream.seconds.at(second)?.partitions?.get(p) ?? 0,
            ]);
        }
        ratePerPartition = Object.fromEntries(
          [...perPartition]
            .sort((a, b) => a[0] - b[0])
            .map(([p, pts]) => [String(p), downsample(pts, this.o.maxPoints)]),
        );
      }
      rate = downsample(rate, this.o.maxPoints);
      coverage = {
        from: Math.max(from, stream.coveredFrom),
        exact: rawFrom <= from,
      };
      latest = [];
      if (payloads)
        for (let j = Math.max(first, raw.length - LATEST); j < raw.length; j++)
          latest.push(j);
    } else {
      // A filter needs each message's contents: raw messages only.
      const rawFrom = Math.max(from, stream.evictedUntil + 1);
      const hits: number[] = [];
      for (let j = raw.firstAtOrAfter(rawFrom); j < raw.length; j++)
        if (raw.matches(j, s.filterKey, filter)) hits.push(j);
      fields.forEach((f, k) => {
        const points: Point[] = [];
        for (const j of hits) {
          const v = raw.value(j, fieldIndex[k]);
          if (!Number.isNaN(v)) points.push([raw.timestamp(j), v]);
        }
        series[f] = downsample(points, this.o.maxPoints);
      });
      const completeTo = (lastSecond + 1) * 1000 - 1;
      rate = downsample(
        ratePerSecond(
          hits.map(j => raw.timestamp(j)),
          rawFrom,
          completeTo,
        ),
        this.o.maxPoints,
      );
      if (hits.some(j => raw.partition(j) !== undefined)) {
        const byPartition = new Map<number, number[]>();
        for (const j of hits) {
          const p = raw.partition(j);
          if (p !== undefined)
            (byPartition.get(p) ?? byPartition.set(p, []).get(p)!).push(
              raw.timestamp(j),
            );
        }
        ratePerPartition = Object.fromEntries(
          [...byPartition]
            .sort((a, b) => a[0] - b[0])
            .map(([p, ts]) => [
              String(p),
              downsample(
                ratePerSecond(ts, rawFrom, completeTo),
                this.o.maxPoints,
              ),
            ]),
        );
      }
      matched = hits.length;
      coverage = { from: Math.max(rawFrom, stream.coveredFrom), exact: true };
      latest = payloads ? hits.slice(-LATEST) : [];
    }

    return {
      connection: stream.connection,
      at: now,
      series,
      rate,
      ...(ratePerPartition ? { ratePerPartition } : {}),
      totals: {
        messages: stream.total,
        decodeFailures: stream.decodeFailures,
        matched,
      },
      ...(payloads
        ? {
            latest: latest.reverse().map(j => raw.message(j)),
          }
        : {}),
      coverage,
      ...(s.backfill ? { backfill: { ...s.backfill } } : {}),
      ...(stream.notices.length ? { notices: stream.notices } : {}),
    };
  }

  async close() {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.streams.values()) clearTimeout(s.stopTimer);
    await Promise.all([...this.streams.values()].map(s => s.source.stop()));
    for (const s of this.streams.values()) s.store.clear();
    this.streams.clear();
  }
}
