import { RingRollup, SecondsOf } from './RingRollup';
import { Rollup } from './Rollup';

describe('RingRollup', () => {
  it('answers as Rollup does: counts, per partition, min and max with their times', () => {
    const ring = new RingRollup(100, 10_000);
    const rollup = new Rollup(100, 10_000);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 500; i++) {
      const timestamp = t0 + i * 7;
      const values = [i % 13 === 0 ? Number.NaN : (i * 37) % 101, i % 5];
      ring.add(timestamp, i % 3, values);
      rollup.add({ timestamp, partition: i % 3, values });
    }
    const first = Math.floor(t0 / 100);
    for (let b = first - 1; b < first + 40; b++) {
      expect(ring.countAt(b)).toBe(rollup.countAt(b));
      for (const p of [0, 1, 2, 7])
        expect(ring.partitionCountAt(b, p)).toBe(rollup.partitionCountAt(b, p));
    }
    for (const field of [0, 1])
      expect(ring.minMax(t0, t0 + 4000, field)).toEqual(
        rollup.minMax(t0, t0 + 4000, field),
      );
  });

  it('drops buckets the ring has moved past, ignores messages older than it holds, and sums seconds from 100 ms buckets', () => {
    const ring = new RingRollup(100, 1000); // 12 slots
    ring.add(1_000, 0, []);
    ring.add(2_250, 4, []); // 1.2 s later: same slot, newer bucket
    expect([ring.countAt(10), ring.countAt(22)]).toEqual([0, 1]);
    ring.add(1_050, 0, []); // too old for the ring now
    expect(ring.countAt(10)).toBe(0);
    const seconds = new SecondsOf(ring);
    ring.add(2_950, 4, []);
    ring.add(2_001, 1, []);
    expect([seconds.countAt(2), seconds.partitionCountAt(2, 4)]).toEqual([
      3, 2,
    ]);
    const seen: Array<[number, number]> = [];
    seconds.forEachPartition(2, (n, p) => seen.push([p, n]));
    expect(seen.sort()).toEqual([
      [1, 1],
      [4, 2],
    ]);
  });
});
