import { buckets, chooseChart, fieldName } from './chartChoice';
import type { Point } from '../api/types';

const series = (values: number[], start = 0, step = 100): Point[] =>
  values.map((v, i) => [start + i * step, v]);
/** Deterministic "random" values: the same every run. */
const spread = (n: number, f: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => f(i));

describe('the chart a field gets', () => {
  it('counts HTTP status codes per value instead of drawing a line between them', () => {
    const status = (i: number) => {
      if (i % 97 === 0) return 503;
      if (i % 31 === 0) return 404;
      return i % 19 === 0 ? 201 : 200;
    };
    const statuses = spread(500, status);
    const choice = chooseChart('$.status', series(statuses));
    expect(choice.kind).toBe('categories');
    expect(choice.kind === 'categories' && choice.counts).toEqual([
      [200, statuses.filter(s => s === 200).length],
      [201, statuses.filter(s => s === 201).length],
      [404, statuses.filter(s => s === 404).length],
      [503, statuses.filter(s => s === 503).length],
    ]);
    // By name from the first points on, nested or not.
    expect(chooseChart('$.response.status_code', series([200])).kind).toBe(
      'categories',
    );
    expect(chooseChart('$.http.status', series([200, 404])).kind).toBe(
      'categories',
    );
  });

  it('takes a field of many points with a handful of integer values for a code, whatever its name', () => {
    expect(chooseChart('$.shard', series(spread(200, i => i % 3))).kind).toBe(
      'categories',
    );
    // A few points are not enough to tell.
    expect(chooseChart('$.shard', series([1, 2, 1])).kind).toBe('line');
  });

  it('draws quantities as lines on an axis from zero when they cannot be negative', () => {
    // $.pages: 1–40 at random — a quantity, not a code.
    const pages = chooseChart(
      '$.pages',
      series(spread(1000, i => 1 + ((i * 7) % 40))),
    );
    expect(pages).toEqual({ kind: 'line', fromZero: true, dense: true });
    // A rate of 18–20 msgs/s is drawn from zero, not zoomed to 18–20.
    expect(chooseChart('msgs/s', series([18, 19, 20, 19, 18]))).toEqual({
      kind: 'line',
      fromZero: true,
      dense: false,
    });
    // Latencies with decimals, or a status-like name with non-integer values: lines.
    expect(chooseChart('$.latency_ms', series([12.5, 40.1])).kind).toBe('line');
    expect(chooseChart('$.status', series([0.5, 0.7])).kind).toBe('line');
    // Values below zero keep an automatic axis.
    expect(chooseChart('$.delta', series([-5, 3]))).toMatchObject({
      fromZero: false,
    });
  });

  it('reads the last segment of a JSON path', () => {
    expect(fieldName('$.status')).toBe('status');
    expect(fieldName('$.response.status_code')).toBe('status_code');
    expect(fieldName("$['http']['status']")).toBe('status');
  });
});

describe('buckets of a dense series', () => {
  it('gives the range and the median of each time bucket', () => {
    const points = series([1, 40, 20, 5, 30, 10], 0, 100); // t = 0 … 500
    expect(buckets(points, 0, 600, 2)).toEqual([
      { t: 150, range: [1, 40], median: 20 },
      { t: 450, range: [5, 30], median: 10 },
    ]);
  });
});
