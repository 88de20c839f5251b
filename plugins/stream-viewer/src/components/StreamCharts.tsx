import { useMemo } from 'react';
import { Grid, Typography } from '@material-ui/core';
import type { Point, Snapshot } from '../api/types';
import { FieldChart } from './FieldChart';
import { TimeChart } from './TimeChart';

const NONE: Point[] = [];

/** What the rate chart says while it has no rates. */
function rateEmptyText(snapshot: Snapshot | undefined, at: number) {
  if (snapshot && snapshot.connection.state !== 'live')
    return 'No rates until the server answers: nothing read yet';
  // Rates count whole seconds from when the reader has every message.
  if (snapshot && snapshot.coverage.from > at - 2000)
    return 'Counting: rates start with the first whole second read';
  return 'No messages in this window';
}

/**
 * The charts of a stream: one per field (see FieldChart), messages per second, and per partition
 * for Kafka. Rates are drawn from zero. While history is read, no chart draws: live points
 * alone would show a gap where history is still missing.
 */
export function StreamCharts({
  snapshot,
  fields,
  fieldsHidden,
  kafka,
  windowMs,
  entityRef,
}: {
  snapshot?: Snapshot;
  fields: string[];
  /** The stream has fields, but they are read from message contents this user may not see. */
  fieldsHidden?: boolean;
  kafka: boolean;
  windowMs: number;
  entityRef: string;
}) {
  const at = snapshot?.at ?? Date.now();
  const from = at - windowMs;
  const history = snapshot?.backfill?.state === 'loading';
  const waiting = history
    ? `Reading history (${snapshot!.backfill!.loaded.toLocaleString()} messages so far): drawn once all of it is read`
    : undefined;
  // Every message of the window reached the browser (none sampled away by the server).
  const exact =
    !!snapshot?.coverage.exact &&
    fields.every(
      f => (snapshot.series[f]?.length ?? 0) <= snapshot.totals.matched,
    ) &&
    fields.some(f => snapshot.series[f]?.length === snapshot.totals.matched);
  const rateLines = useMemo(
    () => [{ name: 'msgs/s', points: history ? NONE : snapshot?.rate ?? NONE }],
    [snapshot, history],
  );
  const partitionLines = useMemo(
    () =>
      history
        ? []
        : Object.entries(snapshot?.ratePerPartition ?? {}).map(
            ([p, points]) => ({ name: `partition ${p}`, points }),
          ),
    [snapshot, history],
  );
  const lastRate = snapshot?.rate.length
    ? snapshot.rate[snapshot.rate.length - 1][1]
    : undefined;
  return (
    <>
      <Grid container spacing={2}>
        {fields.map(f => (
          <Grid item xs={12} md={6} lg={4} key={f}>
            <FieldChart
              field={f}
              points={history ? NONE : snapshot?.series[f] ?? NONE}
              from={from}
              to={at}
              at={at}
              exact={exact}
              emptyText={waiting ?? `No numeric values at ${f} in this window`}
            />
          </Grid>
        ))}
        <Grid item xs={12} md={6} lg={4}>
          <TimeChart
            title="Messages per second"
            note={
              lastRate !== undefined && !history
                ? `${lastRate} msgs/s`
                : undefined
            }
            lines={rateLines}
            from={from}
            to={at}
            at={at}
            fromZero
            emptyText={waiting ?? rateEmptyText(snapshot, at)}
          />
        </Grid>
        {kafka && partitionLines.length > 0 && (
          <Grid item xs={12} md={6} lg={4}>
            <TimeChart
              title="Messages per second by partition"
              lines={partitionLines}
              from={from}
              to={at}
              at={at}
              fromZero
              emptyText="No messages in this window"
            />
          </Grid>
        )}
      </Grid>
      {fields.length === 0 && !fieldsHidden && (
        <Typography variant="caption" color="textSecondary">
          No numeric fields to chart: add stacktalk.io/stream-fields (e.g.
          "$.latency_ms,$.status") to {entityRef}.
        </Typography>
      )}
    </>
  );
}
