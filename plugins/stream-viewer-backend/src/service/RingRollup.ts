import type { Point } from './Downsampler';

/** What a snapshot reads of time buckets: `Rollup` (a stream's) and `RingRollup` (a filtered view's). */
export interface Buckets {
  /** Messages in the bucket starting at `index * resolutionMs`. */
  countAt(index: number): number;
  /** The partitions seen in that bucket, with their counts. */
  forEachPartition(
    index: number,
    fn: (count: number, partition: number) => void,
  ): void;
  partitionCountAt(index: number, partition: number): number;
  /** Min and max of field `field` per bucket in [from, to), in time order. */
  minMax(from: number, to: number, field: number): Point[];
}

/**
 * A filtered view's buckets: as `Rollup` (count, per partition, min and max of each field with
 * their times) but in a ring of typed arrays sized for the view's window, so counting a match is
 * a few array writes — with 100 views each counting a share of 20,000 msg/s, `Rollup`'s objects
 * and maps per bucket were the largest part of the hub's work (measured with the viewers bench).
 * A bucket older than the ring holds is dropped; a message older than its slot's bucket is ignored.
 */
export class RingRollup implements Buckets {
  private readonly slots: number;
  private readonly index: Float64Array;
  private readonly count: Uint32Array;
  private width = 0;
  private parts = new Uint32Array(0);
  private fields = 0;
  private minV = new Float64Array(0);
  private minT = new Float64Array(0);
  private maxV = new Float64Array(0);
  private maxT = new Float64Array(0);

  constructor(
    readonly resolutionMs: number,
    retentionMs: number,
    private readonly partitions = true,
  ) {
    this.slots = Math.ceil(retentionMs / resolutionMs) + 2;
    this.index = new Float64Array(this.slots).fill(Number.NaN);
    this.count = new Uint32Array(this.slots);
  }

  /** The slot of bucket `b` when it holds that bucket, else -1. */
  private slotOf(b: number): number {
    const s = b % this.slots;
    return this.index[s] === b ? s : -1;
  }

  private widen(partitions: number, fields: number) {
    if (partitions > this.width) {
      const width = Math.max(partitions, this.width * 2, 8);
      const next = new Uint32Array(this.slots * width);
      for (let s = 0; s < this.slots; s++)
        next.set(
          this.parts.subarray(s * this.width, (s + 1) * this.width),
          s * width,
        );
      this.parts = next;
      this.width = width;
    }
    if (fields > this.fields) {
      const grow = (old: Float64Array) => {
        const next = new Float64Array(this.slots * fields).fill(Number.NaN);
        for (let s = 0; s < this.slots; s++)
          next.set(
            old.subarray(s * this.fields, (s + 1) * this.fields),
            s * fields,
          );
        return next;
      };
      this.minV = grow(this.minV);
      this.minT = grow(this.minT);
      this.maxV = grow(this.maxV);
      this.maxT = grow(this.maxT);
      this.fields = fields;
    }
  }

  add(
    timestamp: number,
    partition: number | undefined,
    values: ArrayLike<number>,
  ) {
    const b = Math.floor(timestamp / this.resolutionMs);
    const s = b % this.slots;
    const held = this.index[s];
    if (held > b || s < 0) return; // older than the ring holds
    if (
      values.length > this.fields ||
      (this.partitions && partition !== undefined && partition >= this.width)
    )
      this.widen(
        this.partitions && partition !== undefined ? partition + 1 : 0,
        values.length,
      );
    const F = this.fields;
    if (held !== b) {
      this.index[s] = b;
      this.count[s] = 0;
      if (this.width) this.parts.fill(0, s * this.width, (s + 1) * this.width);
      if (F) {
        this.minV.fill(Number.NaN, s * F, (s + 1) * F);
        this.maxV.fill(Number.NaN, s * F, (s + 1) * F);
      }
    }
    this.count[s]++;
    if (this.partitions && partition !== undefined)
      this.parts[s * this.width + partition]++;
    for (let f = 0; f < values.length; f++) {
      const v = values[f];
      if (Number.isNaN(v)) continue;
      const at = s * F + f;
      const lo = this.minV[at];
      if (Number.isNaN(lo) || v < lo) {
        this.minV[at] = v;
        this.minT[at] = timestamp;
      }
      const hi = this.maxV[at];
      if (Number.isNaN(hi) || v > hi) {
        this.maxV[at] = v;
        this.maxT[at] = timestamp;
      }
    }
  }

  countAt(index: number): number {
    const s = this.slotOf(index);
    return s < 0 ? 0 : this.count[s];
  }

  forEachPartition(
    index: number,
    fn: (count: number, partition: number) => void,
  ) {
    const s = this.slotOf(index);
    if (s < 0) return;
    for (let p = 0; p < this.width; p++) {
      const n = this.parts[s * this.width + p];
      if (n) fn(n, p);
    }
  }

  partitionCountAt(index: number, partition: number): number {
    const s = this.slotOf(index);
    return s < 0 || partition >= this.width
      ? 0
      : this.parts[s * this.width + partition];
  }

  minMax(from: number, to: number, field: number): Point[] {
    const points: Point[] = [];
    if (field >= this.fields) return points;
    const end = Math.ceil(to / this.resolutionMs);
    for (let b = Math.floor(from / this.resolutionMs); b < end; b++) {
      const s = this.slotOf(b);
      if (s < 0) continue;
      const at = s * this.fields + field;
      const lo = this.minV[at];
      if (Number.isNaN(lo)) continue;
      const lt = this.minT[at];
      const hi = this.maxV[at];
      const ht = this.maxT[at];
      if (lt === ht && lo === hi) points.push([lt, lo]);
      else if (lt <= ht) points.push([lt, lo], [ht, hi]);
      else points.push([ht, hi], [lt, lo]);
    }
    return points;
  }
}

/**
 * Per-second buckets summed from 100 ms ones: a filtered view of a short window counts each
 * match once (in its 100 ms ring, with partitions) instead of twice.
 */
export class SecondsOf implements Buckets {
  constructor(private readonly tenths: RingRollup) {}

  countAt(index: number): number {
    let n = 0;
    for (let k = 0; k < 10; k++) n += this.tenths.countAt(index * 10 + k);
    return n;
  }

  forEachPartition(
    index: number,
    fn: (count: number, partition: number) => void,
  ) {
    const counts = new Map<number, number>();
    for (let k = 0; k < 10; k++)
      this.tenths.forEachPartition(index * 10 + k, (n, p) =>
        counts.set(p, (counts.get(p) ?? 0) + n),
      );
    counts.forEach(fn);
  }

  partitionCountAt(index: number, partition: number): number {
    let n = 0;
    for (let k = 0; k < 10; k++)
      n += this.tenths.partitionCountAt(index * 10 + k, partition);
    return n;
  }

  /** Per-second extremes are not kept (short windows are drawn from the 100 ms buckets). */
  minMax(): Point[] {
    return [];
  }
}
