import type { Point } from '../api/types';

/**
 * How a field is drawn, from its name and its values:
 * - `categories`: a code (HTTP status, level, kind...) — a few distinct integers. A line between
 *   200 and 503 says nothing; the chart counts the points per value.
 * - `line`: a quantity, on an axis from zero when it cannot be negative (latencies, sizes,
 *   rates: a zoomed axis made jitter of 18–20 msgs/s look like outages). Dense series (more
 *   points than the chart has room for) are drawn as the range of each time bucket with its
 *   median on top, not as a zig-zag that fills the chart as a solid block.
 */
export type ChartChoice =
  | { kind: 'categories'; counts: Array<[value: number, count: number]> }
  | { kind: 'line'; fromZero: boolean; dense: boolean };

/** A last path segment that names a code rather than a quantity. */
const CODE_NAME = /(^|[_-])(status|code|level|kind|type|state|result)$/i;
/** At most this many distinct values for a code. */
const MAX_CATEGORIES = 12;
/** Above this many points a line chart draws buckets (more than a card has pixels across). */
export const DENSE_POINTS = 400;

/** The last segment of a JSON path: `$.response.status` → `status`. */
export function fieldName(field: string): string {
  const segments = field
    .replace(/^\$\.?/, '')
    .split(/[.[\]'"]+/)
    .filter(Boolean);
  return segments[segments.length - 1] ?? field;
}

/** Points per value, by value. */
export function valueCounts(points: Point[]): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const [, v] of points) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
}

export function chooseChart(field: string, points: Point[]): ChartChoice {
  let integers = true;
  let negative = false;
  const distinct = new Set<number>();
  for (const [, v] of points) {
    if (!Number.isInteger(v)) integers = false;
    if (v < 0) negative = true;
    if (distinct.size <= MAX_CATEGORIES) distinct.add(v);
  }
  const few = distinct.size > 0 && distinct.size <= MAX_CATEGORIES;
  // By name (a status code is a code from its first point on), or by values: a field of many
  // points that only ever takes a handful of integer values.
  const byName = CODE_NAME.test(fieldName(field));
  const byValues = points.length >= 100 && distinct.size <= 6;
  if (integers && few && (byName || byValues))
    return { kind: 'categories', counts: valueCounts(points) };
  return {
    kind: 'line',
    fromZero: !negative,
    dense: points.length > DENSE_POINTS,
  };
}

export interface Bucket {
  t: number;
  /** [lowest, highest] of the bucket. */
  range: [number, number];
  median: number;
}

/** The points in `count` equal time buckets across [from, to]: range and median of each. */
export function buckets(
  points: Point[],
  from: number,
  to: number,
  count = 120,
): Bucket[] {
  const width = Math.max(1, (to - from) / count);
  const groups = new Map<number, number[]>();
  for (const [t, v] of points) {
    if (t < from || t > to) continue;
    const k = Math.min(count - 1, Math.floor((t - from) / width));
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(v);
  }
  return [...groups]
    .sort((a, b) => a[0] - b[0])
    .map(([k, values]) => {
      values.sort((a, b) => a - b);
      const mid = values.length >> 1;
      return {
        t: from + (k + 0.5) * width,
        range: [values[0], values[values.length - 1]],
        median:
          values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2,
      };
    });
}
