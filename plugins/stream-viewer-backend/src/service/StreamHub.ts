import {
  parseJsonPath,
  type BackfillProgress,
  type Snapshot,
  type StreamFilter,
} from '@stacktalk/plugin-stream-viewer-common';
import { computeSnapshot } from './snapshot';
import {
  StreamState,
  type Subscriber as StreamSubscriber,
} from './StreamState';
import type { StartPosition, StreamSource } from './types';

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

type Subscriber = StreamSubscriber<ViewOptions> & { deliver: Deliver };

/**
 * The hub's work on the event loop every plugin shares is done in slices of at most this long
 * (snapshots, filters catching up with the buffer), each followed by a turn of the loop.
 */
const SLICE_MS = 8;

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
  /**
   * Buffered messages of a stream that filtered views catching up test in one slice at most (default 20,000;
   * the slice's {@link SLICE_MS} usually ends it first): a bound on the loop's work that does
   * not depend on the machine's speed.
   */
  sliceMessages?: number;
}

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
      sliceMessages: 20_000,
      ...options,
    };
  }

  /** Upstream readers running now. */
  get readerCount() {
    return this.streams.size;
  }

  /**
   * Opens a view of the stream `key`. Throws before anything starts when a field path does
   * not parse (the router checks the annotations first; this keeps a bad one from leaving a
   * reader running).
   */
  subscribe(key: string, options: ViewOptions, deliver: Deliver): () => void {
    options.fields.forEach(f => parseJsonPath(f));
    let stream = this.streams.get(key);
    if (!stream) {
      const source = this.options.createSource(key);
      // Made before the source starts: a timestamp path that does not parse throws here.
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
    const closeView = options.filter
      ? stream.openView(
          subscriber.filterKey,
          subscriber,
          options.filter,
          2 * this.o.maxPoints,
        )
      : undefined;
    stream.subscribers.add(subscriber);
    this.ensureTicking();
    this.pump();
    const owner = stream;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      closeView?.();
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

  /** Whether filtered views are catching up with the buffer (the pump is scheduled). */
  private pumping = false;

  /**
   * Lets filtered views opened on a full buffer test it, in slices of at most
   * {@link SLICE_MS} each followed by as long for the rest of the event loop (I/O, timers,
   * ingest, snapshots and the other plugins' requests), until every view is up to date.
   */
  private pump() {
    if (this.pumping) return;
    this.pumping = true;
    const slice = () => {
      const started = performance.now();
      let behind = false;
      for (const stream of this.streams.values()) {
        const left = SLICE_MS - (performance.now() - started);
        if (!stream.catchUp(Math.max(0, left), this.o.sliceMessages))
          behind = true;
      }
      // As long again for the rest of the loop: at most half the thread goes to catching up.
      if (behind) setTimeout(slice, SLICE_MS);
      else this.pumping = false;
    };
    setImmediate(slice);
  }

  /** A round of snapshots is being computed and sent (in slices). */
  private sending = false;
  /** No round starts before this (`performance.now()`): rounds take at most half the thread. */
  private quietUntil = 0;

  /**
   * Computes a snapshot once per distinct view and hands it to that view's viewers, in slices of
   * at most {@link SLICE_MS} with a turn of the event loop between them. A tick that comes while
   * the last round is still being sent is skipped: under load each viewer gets fewer snapshots,
   * the loop stays free.
   */
  private tick() {
    if (this.sending || performance.now() < this.quietUntil) return;
    const work: Array<() => void> = [];
    for (const stream of this.streams.values()) {
      const groups = new Map<string, Subscriber[]>();
      const now = Date.now();
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
        const group = groups.get(signature);
        if (group) group.push(s);
        else groups.set(signature, [s]);
      }
      for (const group of groups.values())
        work.push(() => this.send(stream, group));
    }
    if ([...this.streams.values()].every(st => st.subscribers.size === 0)) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.sending = true;
    let at = 0;
    let busy = 0;
    const next = () => {
      const started = performance.now();
      while (at < work.length) {
        try {
          work[at++]();
        } catch {
          // one view's failure must not stop the rounds of the others
        }
        if (performance.now() - started >= SLICE_MS && at < work.length) {
          busy += performance.now() - started;
          setImmediate(next);
          return;
        }
      }
      const now = performance.now();
      busy += now - started;
      this.sending = false;
      // A round that took 60 ms of the thread is followed by 60 ms without one.
      this.quietUntil = now + busy;
    };
    next();
  }

  /** One snapshot for viewers of the same view, encoded once for all of them. */
  private send(stream: StreamState, group: Subscriber[]) {
    const live = group.filter(s => stream.subscribers.has(s));
    if (live.length === 0) return;
    this.computed++;
    const snapshot = computeSnapshot(
      stream,
      live[0],
      Date.now(),
      this.o.maxPoints,
    );
    let json: string | undefined;
    const encoded = () => (json ??= JSON.stringify(snapshot));
    for (const s of live) {
      try {
        s.deliver(snapshot, encoded);
      } catch {
        // a broken subscriber must not stop the others; its connection closes it
      }
    }
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
