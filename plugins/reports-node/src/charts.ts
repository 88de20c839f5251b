import { createElement as h, type ReactElement } from 'react';

/**
 * A time series as a static SVG line chart for report sections (no browser JavaScript): the
 * line, its area, the max and min on the left and the start / end times below.
 */
export function lineChart(
  points: Array<[number, number]>,
  options: { width?: number; height?: number; unit?: string; label: string },
): ReactElement {
  const { width = 460, height = 90, unit = '', label } = options;
  const left = 44;
  const bottom = 14;
  const plotW = width - left - 4;
  const plotH = height - bottom - 6;
  const t0 = points.length ? points[0][0] : 0;
  const t1 = points.length ? points[points.length - 1][0] : 1;
  const max = Math.max(1e-9, ...points.map(p => p[1]));
  const min = Math.min(0, ...points.map(p => p[1]));
  const x = (t: number) =>
    left + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * plotW);
  const y = (v: number) => 6 + plotH - ((v - min) / (max - min)) * plotH;
  const line = points
    .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
    .join(' ');
  const fmt = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
  return h(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      role: 'img',
      'aria-label': label,
    },
    h('line', {
      x1: left,
      y1: 6 + plotH,
      x2: left + plotW,
      y2: 6 + plotH,
      stroke: '#c9d1da',
    }),
    points.length > 1
      ? h('polygon', {
          points: `${x(t0)},${y(min)} ${line} ${x(t1)},${y(min)}`,
          fill: '#36c5b0',
          fillOpacity: 0.15,
        })
      : null,
    points.length > 1
      ? h('polyline', {
          points: line,
          fill: 'none',
          stroke: '#1f8f7f',
          strokeWidth: 1.2,
        })
      : null,
    h(
      'text',
      { x: left - 4, y: 12, fontSize: 8, textAnchor: 'end', fill: '#3a4350' },
      fmt(max),
    ),
    h(
      'text',
      {
        x: left - 4,
        y: 6 + plotH,
        fontSize: 8,
        textAnchor: 'end',
        fill: '#3a4350',
      },
      fmt(min),
    ),
    points.length
      ? h(
          'text',
          { x: left, y: height - 2, fontSize: 8, fill: '#3a4350' },
          utcTime(t0),
        )
      : null,
    points.length
      ? h(
          'text',
          {
            x: left + plotW,
            y: height - 2,
            fontSize: 8,
            textAnchor: 'end',
            fill: '#3a4350',
          },
          utcTime(t1),
        )
      : null,
  );
}

/** A time of day in reports: `HH:MM:SS UTC`. */
export function utcTime(t: number): string {
  return `${new Date(t).toISOString().slice(11, 19)} UTC`;
}
