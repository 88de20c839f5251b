import { formatTime, timeTicks } from './TimeChart';

describe('chart time axis', () => {
  it('puts at most six ticks at round times across each window, none at its very end', () => {
    const to = Date.UTC(2026, 11, 1, 12, 0, 37, 250);
    const seconds = (from: number) =>
      timeTicks(from, to).map(t => (t - to) / 1000);
    // 1 minute: every 10 s, on the 10 s marks inside the window.
    expect(seconds(to - 60_000)).toEqual([
      -57.25, -47.25, -37.25, -27.25, -17.25, -7.25,
    ]);
    // 5 minutes: every minute; 15 minutes: every 3; 1 hour: every 10 (the tick at 12:00 is
    // 37 s from the end: kept in a 5-minute window, too near the end of 15 and 60 minutes).
    const minutes = (span: number) =>
      timeTicks(to - span, to).map(t =>
        new Date(t).toISOString().slice(11, 16),
      );
    expect(minutes(300_000)).toEqual([
      '11:56',
      '11:57',
      '11:58',
      '11:59',
      '12:00',
    ]);
    expect(minutes(900_000)).toEqual(['11:48', '11:51', '11:54', '11:57']);
    expect(minutes(3_600_000)).toEqual([
      '11:10',
      '11:20',
      '11:30',
      '11:40',
      '11:50',
    ]);
    for (const span of [60_000, 300_000, 900_000, 3_600_000]) {
      const ticks = timeTicks(to - span, to);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      // None so near the end that its label would be cut off.
      expect(ticks.every(t => t >= to - span && t <= to - span * 0.06)).toBe(
        true,
      );
    }
  });

  it('formats times as 24-hour clock times with seconds', () => {
    expect(formatTime(Date.UTC(2026, 11, 1, 13, 5, 9))).toMatch(
      /^\d\d:\d\d:\d\d$/,
    );
  });
});
