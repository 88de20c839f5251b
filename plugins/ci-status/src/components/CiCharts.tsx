import { Box, Typography, useTheme } from '@material-ui/core';
import { Bar, BarChart, CartesianGrid, Cell, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CiSummaryResponse } from '@stacktalk/plugin-ci-status-common';
import { formatDuration } from './format';

const WINDOW = 10;

/** Share of successes among the last WINDOW decided (success/failure) runs up to each run, in %. */
export function rollingSuccess(history: Array<{ conclusion: string | null }>): Array<number | null> {
  return history.map((_, i) => {
    const decided = history.slice(0, i + 1).filter(r => r.conclusion === 'success' || r.conclusion === 'failure').slice(-WINDOW);
    return decided.length ? Math.round((100 * decided.filter(r => r.conclusion === 'success').length) / decided.length) : null;
  });
}

/** Duration of the last N finished runs (bar colour = outcome) and their rolling success rate. */
export function CiCharts({ summary }: { summary: CiSummaryResponse }) {
  const theme = useTheme();
  const data = summary.history.map(run => ({
    name: `#${run.runNumber}`,
    minutes: run.durationSeconds !== undefined ? Math.round(run.durationSeconds / 6) / 10 : 0,
    seconds: run.durationSeconds,
    conclusion: run.conclusion,
    workflow: run.workflow,
  }));
  const success = rollingSuccess(summary.history);
  const rates = data.map((entry, i) => ({ name: entry.name, rate: success[i] }));
  const colour = (conclusion: string | null) => {
    if (conclusion === 'success') return theme.palette.success.main;
    if (conclusion === 'failure') return theme.palette.error.main;
    return theme.palette.grey[500];
  };
  if (data.length === 0) return <Typography variant="body2" color="textSecondary">No finished runs yet.</Typography>;
  return (
    <Box>
      <Typography variant="subtitle2">
        Last {data.length} finished runs: {summary.successRate !== undefined ? `${Math.round(summary.successRate * 100)}% succeeded` : 'none succeeded or failed'}
      </Typography>
      <Box height={160} data-testid="ci-duration-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
            <YAxis tick={{ fontSize: 10 }} width={36} unit="m" allowDecimals={false} />
            <Tooltip
              formatter={(_value, _name, item) => [formatDuration((item.payload as { seconds?: number }).seconds), 'duration']}
              labelFormatter={(label, items) => `${label} ${(items?.[0]?.payload as { workflow?: string })?.workflow ?? ''}`}
            />
            <Bar dataKey="minutes" isAnimationActive={false}>
              {data.map(entry => (
                <Cell key={entry.name} fill={colour(entry.conclusion)} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <Typography variant="caption" color="textSecondary">Success rate of the last {WINDOW} runs, run by run</Typography>
      <Box height={110} data-testid="ci-success-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rates} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
            <YAxis tick={{ fontSize: 10 }} width={36} unit="%" domain={[0, 100]} />
            <Tooltip formatter={value => [`${value}%`, 'success rate']} />
            <Line dataKey="rate" stroke={theme.palette.primary.main} dot={false} isAnimationActive={false} connectNulls />
          </LineChart>
        </ResponsiveContainer>
      </Box>
    </Box>
  );
}
