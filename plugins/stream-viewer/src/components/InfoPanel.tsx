import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Grid,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import type { StreamViewerApi } from '../api/StreamViewerClient';
import type { Point, StreamInfo } from '../api/types';
import { TimeChart } from './TimeChart';

const useStyles = makeStyles(theme => ({
  card: {
    padding: theme.spacing(1.5, 2),
    height: '100%',
    // Narrow cards: compact cells, headers on one line.
    '& th, & td': { padding: theme.spacing(0.5, 1), whiteSpace: 'nowrap' },
  },
  mono: { fontFamily: 'monospace', fontSize: '0.8rem' },
}));

/** One titled card of the panel; `label` is its accessible name when it differs from the title. */
function InfoCard({
  title,
  label = title,
  children,
}: {
  title: string;
  label?: string;
  children: ReactNode;
}) {
  const classes = useStyles();
  return (
    <Paper className={classes.card} variant="outlined" aria-label={label}>
      <Typography component="h3" variant="subtitle1">
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

const POLL_MS = 5000;
const KEEP_MS = 15 * 60_000;

/**
 * Kafka: partitions with their high-water marks, consumer groups with their lag, and a lag chart
 * kept in the browser from a poll every 5 s. Redis: XINFO (length, groups, pending).
 */
export function InfoPanel({
  api,
  streamRef,
  paused,
}: {
  api: StreamViewerApi;
  streamRef: string;
  paused: boolean;
}) {
  const classes = useStyles();
  const [info, setInfo] = useState<StreamInfo>();
  const [error, setError] = useState<string>();
  const [lagHistory, setLagHistory] = useState<Record<string, Point[]>>({});
  const [now, setNow] = useState(Date.now());
  const streamRefSeen = useRef(streamRef);

  useEffect(() => {
    if (streamRefSeen.current !== streamRef) {
      streamRefSeen.current = streamRef;
      setInfo(undefined);
      setLagHistory({});
    }
    if (paused) return undefined;
    let cancelled = false;
    const poll = async () => {
      try {
        const next = await api.info(streamRef);
        if (cancelled) return;
        const t = Date.now();
        setInfo(next);
        setError(undefined);
        setNow(t);
        if (next.transport === 'kafka') {
          setLagHistory(previous => {
            const out: Record<string, Point[]> = {};
            for (const g of next.groups)
              out[g.groupId] = [
                ...(previous[g.groupId] ?? []).filter(
                  ([pt]) => pt > t - KEEP_MS,
                ),
                [t, g.lag],
              ];
            return out;
          });
        }
      } catch (e) {
        if (!cancelled) setError((e as Error).message);
      }
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, streamRef, paused]);

  const lagLines = useMemo(
    () =>
      Object.entries(lagHistory).map(([name, points]) => ({ name, points })),
    [lagHistory],
  );

  if (!info) return error ? <Alert severity="warning">{error}</Alert> : null;
  return (
    <Grid container spacing={2}>
      {error && (
        <Grid item xs={12}>
          <Alert severity="warning">{error} (showing the last answer)</Alert>
        </Grid>
      )}
      {info.transport === 'kafka' ? (
        <>
          <Grid item xs={12} md={4}>
            <InfoCard title="Partitions">
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>Partition</TableCell>
                    <TableCell align="right">Low</TableCell>
                    <TableCell align="right" title="High-water mark">
                      High-water
                    </TableCell>
                    <TableCell align="right">Retained</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {info.partitions.map(p => (
                    <TableRow key={p.partition}>
                      <TableCell>{p.partition}</TableCell>
                      <TableCell align="right" className={classes.mono}>
                        {p.low}
                      </TableCell>
                      <TableCell align="right" className={classes.mono}>
                        {p.high}
                      </TableCell>
                      <TableCell align="right" className={classes.mono}>
                        {(Number(p.high) - Number(p.low)).toLocaleString()}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title="Consumer groups">
              {info.groups.length === 0 ? (
                <Typography variant="body2" color="textSecondary">
                  No consumer group has committed offsets on this topic.
                </Typography>
              ) : (
                <Table size="small">
                  <TableHead>
                    <TableRow>
                      <TableCell>Group</TableCell>
                      <TableCell align="right">Lag</TableCell>
                      <TableCell>Per partition</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {info.groups.map(g => (
                      <TableRow key={g.groupId}>
                        <TableCell className={classes.mono}>
                          {g.groupId}
                        </TableCell>
                        <TableCell align="right">
                          {g.lag.toLocaleString()}
                        </TableCell>
                        {/* Wraps between partitions: six of them overflowed the card. */}
                        <TableCell
                          className={classes.mono}
                          style={{ whiteSpace: 'normal' }}
                        >
                          {g.partitions
                            .map(p => `${p.partition}:\u00a0${p.lag}`)
                            .join(', ')}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={4}>
            <TimeChart
              title="Consumer-group lag"
              note="polled every 5 s"
              lines={lagLines}
              from={now - KEEP_MS}
              to={now}
              at={now}
              emptyText="No consumer groups to chart."
              height={160}
              fromZero
            />
          </Grid>
        </>
      ) : (
        <>
          <Grid item xs={12} md={4}>
            <InfoCard title="Stream (XINFO)" label="Stream">
              <Table size="small">
                <TableBody>
                  <TableRow>
                    <TableCell>Length</TableCell>
                    <TableCell className={classes.mono}>
                      {info.length.toLocaleString()}
                    </TableCell>
                  </TableRow>
                  <TableRow>
                    <TableCell>First entry</TableCell>
                    <TableCell className={classes.mono}>
                      {info.firstId ?? '—'}
                    </TableCell>
                  </TableRow>
                  <TableRow>
                    <TableCell>Last entry</TableCell>
                    <TableCell className={classes.mono}>
                      {info.lastId ?? '—'}
                    </TableCell>
                  </TableRow>
                </TableBody>
              </Table>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title="Consumer groups">
              {info.groups.length === 0 ? (
                <Typography variant="body2" color="textSecondary">
                  No consumer groups on this stream.
                </Typography>
              ) : (
                <Table size="small">
                  <TableHead>
                    <TableRow>
                      <TableCell>Group</TableCell>
                      <TableCell align="right">Consumers</TableCell>
                      <TableCell align="right">Pending</TableCell>
                      <TableCell align="right">Lag</TableCell>
                      <TableCell>Last delivered</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {info.groups.map(g => (
                      <TableRow key={g.name}>
                        <TableCell className={classes.mono}>{g.name}</TableCell>
                        <TableCell align="right">{g.consumers}</TableCell>
                        <TableCell align="right">
                          {g.pending.toLocaleString()}
                        </TableCell>
                        <TableCell align="right">
                          {g.lag === undefined ? '—' : g.lag.toLocaleString()}
                        </TableCell>
                        <TableCell className={classes.mono}>
                          {g.lastDeliveredId}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </InfoCard>
          </Grid>
        </>
      )}
    </Grid>
  );
}
