import type { Point } from './Downsampler';
import type { Buckets } from './RingRollup';

/** What a rollup needs of a message. */
export interface RollupInput {
  timestamp: number;
  partition?: number;
  /** Values of the stream's charted fields, by field index (undefined or NaN: none). */
  values: ArrayLike<number | undefined>;
}

/** One bucket: message count, per partition, and min / max (with their times) per field. */
export interface Bucket {
  count: number;
  partitions?: Map<number, number>;
  min: Array<Point | undefined>;
  max: Array<Point | undefined>;
}

/**
 * Fixed-width time buckets of a stream (e.g. 100 ms or 1 s), kept for `retentionMs`. A chart
 * drawn from a bucket's min and max keeps every spike, whatever the message rate: its cost
 * depends on the window, not on the number of messages.
 */
export class Rollup implements Buckets {
  private readonly buckets = new Map<number, Bucket>();
  private lastIndex = Number.NaN;
  private last?: Bucket;
  private lastSweep = 0;

  /** `partitions`: count per Kafka partition too (the per-partition rate chart). */
  constructor(
    readonly resolutionMs: number,
    readonly retentionMs: number,
    private readonly partitions = true,
  ) {}

  add(m: RollupInput) {
    const index = Math.floor(m.timestamp / this.resolutionMs);
    let b = index === this.lastIndex ? this.last : this.buckets.get(index);
    if (!b) {
      b = { count: 0, min: [], max: [] };
      this.buckets.set(index, b);
    }
    this.lastIndex = index;
    this.last = b;
    b.count++;
    if (this.partitions && m.partition !== undefined) {
      b.partitions ??= new Map();
      b.partitions.set(m.partition, (b.partitions.get(m.partition) ?? 0) + 1);
    }
    const values = m.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined || Number.isNaN(v)) continue;
      const lo = b.min[i];
      if (lo === undefined) {
        b.min[i] = [m.timestamp, v];
        b.max[i] = [m.timestamp, v];
        continue;
      }
      if (v < lo[1]) {
        lo[0] = m.timestamp;
        lo[1] = v;
      }
      const hi = b.max[i]!;
      if (v > hi[1]) {
        hi[0] = m.timestamp;
        hi[1] = v;
      }
    }
  }

  /** Drops buckets older than the retention (at most once a second). */
  sweep(now: number) {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    const oldest = Math.floor((now - this.retentionMs) / this.resolutionMs);
    for (const index of this.buckets.keys())
      if (index < oldest) this.buckets.delete(index);
  }

  /** The bucket starting at `index * resolutionMs`. */
  at(index: number): Bucket | undefined {
    return this.buckets.get(index);
  }

  countAt(index: number): number {
    return this.buckets.get(index)?.count ?? 0;
  }

  forEachPartition(
    index: number,
    fn: (count: number, partition: number) => void,
  ) {
    this.buckets.get(index)?.partitions?.forEach(fn);
  }

  partitionCountAt(index: number, partition: number): number {
    return this.buckets.get(index)?.partitions?.get(partition) ?? 0;
  }

  /** Min and max of field `field` per bucket in [from, to), in time order. */
  minMax(from: number, to: number, field: number): Point[] {
    const points: Point[] = [];
    const end = Math.ceil(to / this.resolutionMs);
    for (
      let index = Math.floor(from / this.resolutionMs);
      index < end;
      index++
    ) {
      const b = this.buckets.get(index);
      const lo = b?.min[field];
      const hi = b?.max[field];
      if (!lo || !hi) continue;
      if (lo === hi || (lo[0] === hi[0] && lo[1] === hi[1])) points.push(lo);
      else if (lo[0] <= hi[0]) points.push(lo, hi);
      else points.push(hi, lo);
    }
    return points;
  }
}
