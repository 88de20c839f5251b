import { LTTB } from 'downsample';

import type { Point } from '@stacktalk/plugin-stream-viewer-common';

export type { Point };

/**
 * At most `maxPoints` points of a series for the chart, chosen by Largest-Triangle-Three-Buckets
 * (from the `downsample` library), which keeps peaks and troughs: a single spike in 100,000
 * points still reaches the browser.
 */
export function downsample(points: Point[], maxPoints = 1000): Point[] {
  if (points.length <= maxPoints) return points;
  return LTTB(points, maxPoints) as Point[];
}

/** Messages per second over the window, one point per second (zero-filled). */
export function ratePerSecond(
  timestamps: number[],
  from: number,
  to: number,
): Point[] {
  const start = Math.floor(from / 1000);
  const end = Math.floor(to / 1000);
  const counts = new Map<number, number>();
  for (const t of timestamps) {
    const s = Math.floor(t / 1000);
    if (s >= start && s <= end) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const out: Point[] = [];
  for (let s = start; s <= end; s++) out.push([s * 1000, counts.get(s) ?? 0]);
  return out;
}
