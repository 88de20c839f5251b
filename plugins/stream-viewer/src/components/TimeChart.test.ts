import { formatTime, timeTicks } from './TimeChart';

describe('chart time axis', () => {
  it('puts at most six ticks at round times across each window', () => {
    const to = Date.UTC(2026, 11, 1, 12, 0, 37, 250);
    const seconds = (from: number) =>
      timeTicks(from, to).map(t => (t - to) / 1000);
    // 1 minute: every 10 s, on the 10 s marks inside the window.
    expect(seconds(to - 60_000)).toEqual([
      -57.25, -47.25, -37.25, -27.25, -17.25, -7.25,
    ]);
    // 5 minutes: every minute; 15 minutes: every 5; 1 hour: every 10.
    expect(timeTicks(to - 300_000, to)).toHaveLength(5);
    expect(new Set(timeTicks(to - 300_000, to).map(t => t % 60_000))).toEqual(
      new Set([0]),
    );
    expect(timeTicks(to - 900_000, to).map(t => t % 300_000)).toEqual([
      0, 0, 0,
    ]);
    expect(timeTicks(to - 3_600_000, to)).toHaveLength(6);
    for (const span of [60_000, 300_000, 900_000, 3_600_000]) {
      const ticks = timeTicks(to - span, to);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.every(t => t >= to - span && t <= to)).toBe(true);
    }
  });

  it('formats times as 24-hour clock times with seconds', () => {
    expect(formatTime(Date.UTC(2026, 11, 1, 13, 5, 9))).toMatch(
      /^\d\d:\d\d:\d\d$/,
    );
  });
});
