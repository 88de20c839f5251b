import { memo, useMemo } from 'react';
import { Paper, Typography, makeStyles } from '@material-ui/core';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Point } from '../api/types';
import { buckets } from './chartChoice';

const PALETTE = [
  '#1f8f7f',
  '#3f6fd8',
  '#d8823f',
  '#9b4fd1',
  '#d84f6f',
  '#4fa3d1',
  '#7a9b2f',
  '#c9a227',
];

const useStyles = makeStyles(theme => ({
  card: { padding: theme.spacing(1.5, 2, 1), height: '100%' },
  head: {
    display: 'flex',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  title: { fontFamily: 'monospace', fontSize: '0.95rem', fontWeight: 600 },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    justifyContent: 'center',
    gap: theme.spacing(0.5, 1.5),
    fontSize: 11,
    color: theme.palette.text.secondary,
  },
  swatch: {
    display: 'inline-block',
    width: 10,
    height: 2,
    marginRight: 4,
    verticalAlign: 'middle',
  },
  empty: {
    height: 180,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.palette.text.secondary,
  },
}));

// One formatter for all labels: toLocaleTimeString with options builds a new one per call,
// which at ten updates a second of several charts was an eighth of the page's main thread.
const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
export const formatTime = (t: number) => time.format(t);

const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600];

/**
 * Ticks at round times, at most `max` across [from, to], none in the last 6 % (where a label
 * would not fit). Given these, recharts shows them all (`interval={0}`) instead of measuring
 * every label in the DOM (a forced layout per chart per update) to thin them out.
 */
export function timeTicks(from: number, to: number, max = 6): number[] {
  const step =
    (STEPS_S.find(s => (to - from) / (s * 1000) <= max) ??
      STEPS_S[STEPS_S.length - 1]) * 1000;
  // A label centred on a tick right at the end would be cut off by the chart's edge.
  const last = to - (to - from) * 0.06;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= last; t += step)
    ticks.push(t);
  return ticks;
}

const compact = new Intl.NumberFormat('en', {
  notation: 'compact',
  maximumFractionDigits: 1,
});
const formatValue = (v: number) =>
  Math.abs(v) >= 10_000 ? compact.format(v) : String(Math.round(v * 100) / 100);

/** A bucket's width in words: "2.5 s", "30 s". */
const formatSpan = (ms: number) =>
  ms < 60_000
    ? `${Math.round(ms / 100) / 10} s`
    : `${Math.round(ms / 6000) / 10} min`;

export interface TimeChartProps {
  title: string;
  /** Shown right of the title: the latest value, a unit... */
  note?: string;
  lines: Array<{ name: string; points: Point[] }>;
  from: number;
  to: number;
  /** The snapshot time (exposed as data-last-at). */
  at: number;
  emptyText: string;
  height?: number;
  /** The value axis starts at zero (quantities that cannot be negative, rates). */
  fromZero?: boolean;
  /**
   * More points than the card has pixels across (one line only): drawn as the range of each of
   * 120 time buckets, shaded, with the median as the line.
   */
  dense?: boolean;
}

/**
 * A time series card: recharts without animation, x axis fixed to the window so the chart
 * scrolls instead of stretching. Memoised: a snapshot redraws only the charts it changed.
 */
export const TimeChart = memo(function TimeChartCard({
  title,
  note,
  lines,
  from,
  to,
  at,
  emptyText,
  height = 180,
  fromZero = false,
  dense = false,
}: TimeChartProps) {
  const classes = useStyles();
  const total = lines.reduce((n, l) => n + l.points.length, 0);
  const newest = lines.reduce(
    (t, l) =>
      Math.max(t, l.points.length ? l.points[l.points.length - 1][0] : 0),
    0,
  );
  const ticks = useMemo(() => timeTicks(from, to), [from, to]);
  const banded = useMemo(
    () =>
      dense && lines.length === 1
        ? buckets(lines[0].points, from, to)
        : undefined,
    [dense, lines, from, to],
  );
  const xAxis = (
    <XAxis
      dataKey={banded ? 't' : 0}
      type="number"
      domain={[from, to]}
      allowDataOverflow
      tickFormatter={formatTime}
      tick={{ fontSize: 11 }}
      ticks={ticks}
      interval={0}
    />
  );
  const yAxis = (
    <YAxis
      width={56}
      tick={{ fontSize: 11 }}
      interval={0}
      tickFormatter={formatValue}
      domain={fromZero ? [0, 'auto'] : ['auto', 'auto']}
    />
  );
  const tooltip = (
    <Tooltip
      labelFormatter={t => formatTime(Number(t))}
      formatter={(v: any) =>
        Array.isArray(v)
          ? `${formatValue(Number(v[0]))} – ${formatValue(Number(v[1]))}`
          : formatValue(Number(v))
      }
      isAnimationActive={false}
    />
  );
  const chart = banded ? (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart
        data={banded}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ec" />
        {xAxis}
        {yAxis}
        {tooltip}
        <Area
          name="range"
          dataKey="range"
          type="linear"
          stroke="none"
          fill={PALETTE[0]}
          fillOpacity={0.18}
          isAnimationActive={false}
        />
        <Line
          name="median"
          dataKey="median"
          type="linear"
          dot={false}
          strokeWidth={1.5}
          stroke={PALETTE[0]}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  ) : (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ec" />
        {/* Points are drawn as they arrive, [t, v] pairs (keys 0 and 1): no object per point
                per update, which at ten updates a second kept the page's young generation
                full and its scavenges long. */}
        {xAxis}
        {yAxis}
        {tooltip}
        {lines.map((l, i) => (
          <Line
            key={l.name}
            name={l.name}
            data={l.points}
            dataKey={1}
            type="linear"
            dot={false}
            strokeWidth={1.5}
            stroke={PALETTE[i % PALETTE.length]}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
  return (
    <Paper
      className={classes.card}
      variant="outlined"
      aria-label={title}
      data-points={total}
      data-newest={newest}
      data-last-at={at}
      data-chart={banded ? 'range' : 'line'}
    >
      <div className={classes.head}>
        <Typography component="h3" className={classes.title}>
          {title}
        </Typography>
        {note && (
          <Typography variant="caption" color="textSecondary">
            {note}
          </Typography>
        )}
      </div>
      {total === 0 ? (
        <div className={classes.empty}>
          <Typography variant="body2">{emptyText}</Typography>
        </div>
      ) : (
        chart
      )}
      {banded && total > 0 && (
        <div className={classes.legend}>
          Shaded: lowest to highest per {formatSpan((to - from) / 120)} · line:
          median
        </div>
      )}
      {total > 0 && lines.length > 1 && (
        // Our own legend, outside the SVG: recharts' Legend measures itself in the DOM after
        // every update (a forced layout per chart, ten times a second).
        <div className={classes.legend}>
          {lines.map((l, i) => (
            <span key={l.name}>
              <span
                className={classes.swatch}
                style={{ background: PALETTE[i % PALETTE.length] }}
              />
              {l.name}
            </span>
          ))}
        </div>
      )}
    </Paper>
  );
});
