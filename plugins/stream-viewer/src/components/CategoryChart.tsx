import { memo } from 'react';
import { Paper, Typography, makeStyles } from '@material-ui/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const useStyles = makeStyles(theme => ({
  card: { padding: theme.spacing(1.5, 2, 1), height: '100%' },
  head: {
    display: 'flex',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  title: { fontFamily: 'monospace', fontSize: '0.95rem', fontWeight: 600 },
  empty: {
    height: 180,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.palette.text.secondary,
  },
  caption: {
    fontSize: 11,
    color: theme.palette.text.secondary,
    textAlign: 'center',
  },
}));

/** 5xx red, 4xx orange, the rest teal: status codes read at a glance. */
function colour(value: number) {
  if (value >= 500 && value < 600) return '#d84f4f';
  if (value >= 400 && value < 500) return '#d8823f';
  return '#1f8f7f';
}

export interface CategoryChartProps {
  title: string;
  /** [value, count], by value. */
  counts: Array<[number, number]>;
  /** Whether the counts are of every message in the window (else of the points sampled). */
  exact: boolean;
  /** The snapshot time (exposed as data-last-at) and the newest point (data-newest). */
  at: number;
  newest: number;
  emptyText: string;
  height?: number;
}

/**
 * A code-like field (HTTP status, level...): how often each value occurs in the window, one bar
 * per value with its count, instead of a line drawn between unrelated codes.
 */
export const CategoryChart = memo(function CategoryChartCard({
  title,
  counts,
  exact,
  at,
  newest,
  emptyText,
  height = 180,
}: CategoryChartProps) {
  const classes = useStyles();
  const total = counts.reduce((n, [, c]) => n + c, 0);
  const data = counts.map(([value, count]) => ({
    value: String(value),
    count,
    fill: colour(value),
  }));
  return (
    <Paper
      className={classes.card}
      variant="outlined"
      aria-label={title}
      data-points={total}
      data-newest={newest}
      data-last-at={at}
      data-chart="categories"
    >
      <div className={classes.head}>
        <Typography component="h3" className={classes.title}>
          {title}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {counts.length} values
        </Typography>
      </div>
      {total === 0 ? (
        <div className={classes.empty}>
          <Typography variant="body2">{emptyText}</Typography>
        </div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <BarChart
            data={data}
            margin={{ top: 16, right: 8, bottom: 0, left: 0 }}
          >
            <CartesianGrid
              strokeDasharray="3 3"
              stroke="#e3e7ec"
              vertical={false}
            />
            <XAxis dataKey="value" tick={{ fontSize: 11 }} interval={0} />
            <YAxis width={56} tick={{ fontSize: 11 }} allowDecimals={false} />
            <Tooltip isAnimationActive={false} />
            <Bar dataKey="count" name="count" isAnimationActive={false}>
              {data.map(d => (
                <Cell key={d.value} fill={d.fill} />
              ))}
              <LabelList dataKey="count" position="top" fontSize={11} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
      {total > 0 && (
        <div className={classes.caption}>
          {exact
            ? `Messages per value in the window (${total.toLocaleString()})`
            : `Per value among ${total.toLocaleString()} sampled points (the server thins dense windows: rare values weigh more)`}
        </div>
      )}
    </Paper>
  );
});
