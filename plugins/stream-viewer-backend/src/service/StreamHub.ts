import { getAtPath, parseJsonPath, type StreamFilter } from '@stacktalk/plugin-stream-viewer-common';
import { downsample, ratePerSecond, type Point } from './Downsampler';
import type { ConnectionState, StreamMessage, StreamSource } from './types';

/** What a subscriber wants to see. */
export interface ViewOptions {
  windowMs: number;
  /** JSON paths of numeric fields to chart. */
  fields: string[];
  filter?: StreamFilter;
  /** Only with `streams.payload.read`: otherwise no message contents leave the backend. */
  payloads: boolean;
}

export interface Snapshot {
  connection: ConnectionState;
  at: number;
  /** Downsampled series per field, ≤ maxPoints each. */
  series: Record<string, Point[]>;
  rate: Point[];
  ratePerPartition?: Record<string, Point[]>;
  totals: { messages: number; decodeFailures: number; matched: number };
  /** Newest first; payloads only when allowed. */
  latest?: Array<Omit<StreamMessage, 'decoded'> & { kind: string; value?: unknown }>;
}

/** A field of a JSON message; `$` of a plain-number message is the number itself. */
function valueAt(m: StreamMessage, path: Array<string | number>): unknown {
  if (m.decoded.kind === 'json') return getAtPath(m.decoded.value, path);
  if (m.decoded.kind === 'number' && path.length === 0) return m.decoded.value;
  return undefined;
}

export type Deliver = (snapshot: Snapshot) => boolean | void;

interface Subscriber {
  options: ViewOptions;
  deliver: Deliver;
  paths: Array<{ field: string; path: Array<string | number> }>;
}

/** Everything kept about one stream: bounded by time (longest window) and by count. */
class StreamState {
  messages: StreamMessage[] = [];
  total = 0;
  decodeFailures = 0;
  connection: ConnectionState = { state: 'connecting', since: Date.now() };
  subscribers = new Set<Subscriber>();
  stopTimer?: NodeJS.Timeout;
  constructor(readonly source: StreamSource, readonly maxMessages: number, readonly maxAgeMs: number) {}

  add(batch: StreamMessage[]) {
    this.total += batch.length;
    for (const m of batch) if (m.decoded.kind === 'binary') this.decodeFailures++;
    this.messages.push(...batch);
    const cutoff = Date.now() - this.maxAgeMs;
    let drop = Math.max(0, this.messages.length - this.maxMessages);
    while (drop < this.messages.length && this.messages[drop].timestamp < cutoff) drop++;
    if (drop > 0) this.messages.splice(0, drop);
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
  /** Messages kept per stream (default 200,000) and their longest age (default 1 h). */
  maxMessages?: number;
  maxAgeMs?: number;
}

/**
 * One upstream reader per stream, however many viewers: the first subscriber starts it, the
 * last one leaving stops it after a grace period. Each subscriber gets at most `maxRate`
 * snapshots a second, computed from the shared buffer; a subscriber that cannot take one (its
 * `deliver` returns false) simply gets the next, newer snapshot: nothing queues per viewer.
 */
export class StreamHub {
  private readonly streams = new Map<string, StreamState>();
  private timer?: NodeJS.Timeout;
  private readonly o: Required<Omit<StreamHubOptions, 'createSource'>>;

  constructor(private readonly options: StreamHubOptions) {
    this.o = { graceMs: 30_000, maxRate: 10, maxPoints: 1000, maxMessages: 200_000, maxAgeMs: 3_600_000, ...options };
  }

  /** Upstream readers running now. */
  get readerCount() {
    return this.streams.size;
  }

  subscribe(key: string, options: ViewOptions, deliver: Deliver): () => void {
    let stream = this.streams.get(key);
    if (!stream) {
      const source = this.options.createSource(key);
      const created = new StreamState(source, this.o.maxMessages, this.o.maxAgeMs);
      stream = created;
      this.streams.set(key, created);
      source
        .start({ onMessages: batch => created.add(batch), onState: s => (created.connection = s) })
        .catch(error => (created.connection = { state: 'unreachable', reason: String((error as Error)?.message ?? error), since: Date.now() }));
    }
    clearTimeout(stream.stopTimer);
    const subscriber: Subscriber = { options, deliver, paths: options.fields.map(field => ({ field, path: parseJsonPath(field) })) };
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
          }
        }, this.o.graceMs);
        owner.stopTimer.unref?.();
      }
    };
  }

  private ensureTicking() {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), Math.round(1000 / this.o.maxRate));
    this.timer.unref?.();
  }

  private tick() {
    const now = Date.now();
    for (const stream of this.streams.values()) {
      for (const s of stream.subscribers) {
        try {
          s.deliver(this.snapshot(stream, s, now));
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

  snapshot(stream: StreamState, s: Subscriber, now: number): Snapshot {
    const from = now - s.options.windowMs;
    const inWindow = stream.messages.filter(m => m.timestamp >= from);
    const matched = s.options.filter ? inWindow.filter(m => m.decoded.kind === 'json' && s.options.filter!.test(m.decoded.value)) : inWindow;
    const series: Record<string, Point[]> = {};
    for (const { field, path } of s.paths) {
      const points: Point[] = [];
      for (const m of matched) {
        const v = valueAt(m, path);
        if (typeof v === 'number' && Number.isFinite(v)) points.push([m.timestamp, v]);
      }
      series[field] = downsample(points, this.o.maxPoints);
    }
    const partitions = new Set(matched.filter(m => m.partition !== undefined).map(m => m.partition!));
    const ratePerPartition = partitions.size
      ? Object.fromEntries([...partitions].map(p => [String(p), downsample(ratePerSecond(matched.filter(m => m.partition === p).map(m => m.timestamp), from, now), this.o.maxPoints)]))
      : undefined;
    return {
      connection: stream.connection,
      at: now,
      series,
      rate: downsample(ratePerSecond(matched.map(m => m.timestamp), from, now), this.o.maxPoints),
      ...(ratePerPartition ? { ratePerPartition } : {}),
      totals: { messages: stream.total, decodeFailures: stream.decodeFailures, matched: matched.length },
      ...(s.options.payloads
        ? { latest: matched.slice(-50).reverse().map(({ decoded, ...m }) => ({ ...m, kind: decoded.kind, value: decoded.value })) }
        : {}),
    };
  }

  async close() {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.streams.values()) clearTimeout(s.stopTimer);
    await Promise.all([...this.streams.values()].map(s => s.source.stop()));
    this.streams.clear();
  }
}
