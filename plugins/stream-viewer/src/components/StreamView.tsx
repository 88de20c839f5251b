import { useMemo, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  FormHelperText,
  LinearProgress,
  MenuItem,
  Paper,
  TextField,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import PauseIcon from '@material-ui/icons/Pause';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import type { StreamViewerApi } from '../api/StreamViewerClient';
import { coveredOnlyFrom } from '@stacktalk/plugin-stream-viewer-common';
import type { Snapshot, StreamDescriptor } from '../api/types';
import { InfoPanel } from './InfoPanel';
import { LatestTable } from './LatestTable';
import { StreamCharts } from './StreamCharts';
import { formatTime } from './TimeChart';
import { useLiveStream } from './useLiveStream';

const WINDOWS = [
  { ms: 60_000, label: '1 minute' },
  { ms: 300_000, label: '5 minutes' },
  { ms: 900_000, label: '15 minutes' },
  { ms: 3_600_000, label: '1 hour' },
];

const useStyles = makeStyles(theme => ({
  toolbar: {
    padding: theme.spacing(1.5, 2),
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  filter: { flex: '1 1 320px', minWidth: 280 },
  status: {
    marginLeft: 'auto',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-end',
    gap: theme.spacing(0.5),
  },
  section: { padding: theme.spacing(1.5, 2), marginTop: theme.spacing(2) },
  live: { background: '#1f8f7f', color: '#fff' },
  connecting: { background: theme.palette.grey[500], color: '#fff' },
  reconnecting: { background: '#d8823f', color: '#fff' },
  unreachable: { background: theme.palette.error.main, color: '#fff' },
  paused: { background: theme.palette.grey[700], color: '#fff' },
}));

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting',
  unreachable: 'Broker unreachable',
} as const;

function ConnectionChip({
  snapshot,
  retrying,
  paused,
  server,
}: {
  snapshot?: Snapshot;
  retrying?: { attempt: number; reason: string; inMs: number };
  paused: boolean;
  server: string;
}) {
  const classes = useStyles();
  // Until the next snapshot arrives, the one on screen is from the lost connection (the
  // replica serving it may have stopped): say so, whatever that snapshot's state was.
  if (retrying) {
    return (
      <Chip
        className={classes.reconnecting}
        aria-label="Connection: reconnecting to the portal"
        label={`Portal connection lost: reconnecting… (attempt ${retrying.attempt})`}
        title={retrying.reason}
      />
    );
  }
  const state = snapshot?.connection.state ?? 'connecting';
  const reason = snapshot?.connection.reason;
  const label = `${CONNECTION_LABEL[state]}${
    reason && state !== 'live' ? `: ${reason}` : ''
  }`;
  return (
    <Tooltip
      title={`${server} — ${state} since ${
        snapshot ? formatTime(snapshot.connection.since) : 'now'
      }`}
    >
      <Chip
        className={paused ? classes.paused : classes[state]}
        aria-label={`Connection: ${state}`}
        label={paused ? `Paused (${label})` : label}
      />
    </Tooltip>
  );
}

/** The live view of one stream: toolbar, charts, latest messages, partitions / groups. */
export function StreamView({
  api,
  stream,
}: {
  api: StreamViewerApi;
  stream: StreamDescriptor;
}) {
  const classes = useStyles();
  const [windowMs, setWindowMs] = useState(300_000);
  const [filterDraft, setFilterDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [startKind, setStartKind] = useState<'now' | 'minutes' | 'position'>(
    'minutes',
  );
  const [startValue, setStartValue] = useState('5');
  const [start, setStart] = useState('minutes:5');
  const [paused, setPaused] = useState(false);
  const params = useMemo(
    () => ({ windowMs, filter, start }),
    [windowMs, filter, start],
  );
  const { snapshot, error, retrying } = useLiveStream(
    api,
    stream.entityRef,
    params,
    paused,
  );
  const kafka = stream.transport === 'kafka';
  const positionLabel = kafka ? 'partition:offset' : 'Stream ID';
  const positionPlaceholder = kafka ? '0:1200' : '1700000000000-0';

  const applyStart = (kind: typeof startKind, value: string) => {
    setStartKind(kind);
    setStartValue(value);
    if (kind === 'now') setStart('now');
    else if (kind === 'minutes') setStart(`minutes:${value || '5'}`);
    else if (value.trim())
      setStart(kafka ? `offset:${value.trim()}` : `id:${value.trim()}`);
  };

  const coveredFrom = snapshot && coveredOnlyFrom(snapshot, windowMs);
  const badInput =
    error && /^(Malformed filter|start[ =]|window )/.test(error.message)
      ? error.message
      : undefined;
  const filterError =
    badInput && /filter/i.test(badInput) ? badInput : undefined;
  const startError = badInput && !filterError ? badInput : undefined;

  return (
    <div>
      <Paper className={classes.toolbar} variant="outlined">
        <TextField
          select
          id="stream-window"
          label="Window"
          value={windowMs}
          onChange={e => setWindowMs(Number(e.target.value))}
          variant="outlined"
          size="small"
          style={{ width: 140 }}
        >
          {WINDOWS.map(w => (
            <MenuItem key={w.ms} value={w.ms}>
              {w.label}
            </MenuItem>
          ))}
        </TextField>
        <Box display="flex" flexDirection="column">
          <Box display="flex" style={{ gap: 8 }}>
            <TextField
              select
              id="stream-start"
              label="Start"
              value={startKind}
              onChange={e =>
                applyStart(
                  e.target.value as typeof startKind,
                  e.target.value === 'minutes' ? '5' : '',
                )
              }
              variant="outlined"
              size="small"
              style={{ width: 190 }}
            >
              <MenuItem value="now">Live (from now)</MenuItem>
              <MenuItem value="minutes">Last N minutes</MenuItem>
              <MenuItem value="position">
                {kafka ? 'From offset…' : 'From stream ID…'}
              </MenuItem>
            </TextField>
            {startKind !== 'now' && (
              <TextField
                label={
                  startKind === 'minutes' ? 'Minutes (1–60)' : positionLabel
                }
                placeholder={
                  startKind === 'minutes' ? '5' : positionPlaceholder
                }
                defaultValue={startValue}
                key={`${startKind}-${stream.entityRef}`}
                onKeyDown={e =>
                  e.key === 'Enter' &&
                  applyStart(startKind, (e.target as HTMLInputElement).value)
                }
                onBlur={e => applyStart(startKind, e.target.value)}
                variant="outlined"
                size="small"
                style={{ width: 170 }}
                error={!!startError}
              />
            )}
          </Box>
          {startError && <FormHelperText error>{startError}</FormHelperText>}
        </Box>
        {stream.payload ? (
          <form
            className={classes.filter}
            onSubmit={e => {
              e.preventDefault();
              setFilter(filterDraft);
            }}
          >
            <Box display="flex" style={{ gap: 8 }}>
              <TextField
                label="Filter"
                placeholder='$.status >= 500 && $.route ~ "/api"'
                value={filterDraft}
                onChange={e => setFilterDraft(e.target.value)}
                variant="outlined"
                size="small"
                fullWidth
                error={!!filterError}
                inputProps={{
                  'aria-label': 'Filter',
                  style: { fontFamily: 'monospace' },
                }}
              />
              <Button type="submit" variant="outlined">
                Apply
              </Button>
            </Box>
            {filterError ? (
              <FormHelperText error>{filterError}</FormHelperText>
            ) : (
              <FormHelperText>
                {filter
                  ? `Filtered on the server: ${filter}`
                  : 'Operators == != > >= < <= and ~ (contains), joined by &&'}
              </FormHelperText>
            )}
          </form>
        ) : (
          <Typography
            className={classes.filter}
            variant="body2"
            color="textSecondary"
          >
            {/* A filter's matches reveal contents one probe at a time: the backend refuses it (403). */}
            Filters and field charts read message contents: only the owners of{' '}
            {stream.entityRef} may use them (streams.payload.read).
          </Typography>
        )}
        <Button
          variant="contained"
          color={paused ? 'primary' : 'default'}
          startIcon={paused ? <PlayArrowIcon /> : <PauseIcon />}
          onClick={() => setPaused(!paused)}
        >
          {paused ? 'Resume' : 'Pause'}
        </Button>
        <div className={classes.status}>
          <ConnectionChip
            snapshot={snapshot}
            retrying={retrying}
            paused={paused}
            server={`${stream.server} (${kafka ? 'Kafka' : 'Redis'})`}
          />
          {snapshot && (
            <Typography variant="caption" color="textSecondary">
              {snapshot.totals.matched.toLocaleString()} in window
              {filter ? ' (matching)' : ''} ·{' '}
              {snapshot.totals.messages.toLocaleString()} read ·{' '}
              {snapshot.totals.decodeFailures.toLocaleString()} undecodable
            </Typography>
          )}
        </div>
      </Paper>

      {error && !badInput && <Alert severity="error">{error.message}</Alert>}
      {snapshot?.backfill?.state === 'loading' && (
        <Box mb={2}>
          <Typography variant="body2">
            {/* The history is read up to where the live reader starts: it waits for it. */}
            {snapshot.connection.state === 'live' ||
            snapshot.backfill.loaded > 0
              ? `Reading history… ${snapshot.backfill.loaded.toLocaleString()} messages so far`
              : 'History is read once the server answers'}
          </Typography>
          <LinearProgress />
        </Box>
      )}
      {snapshot?.filtering && (
        <Box mb={2}>
          <Typography variant="body2">
            Testing the filter on the messages the server keeps…{' '}
            {snapshot.filtering.tested.toLocaleString()} of{' '}
            {snapshot.filtering.of.toLocaleString()}
          </Typography>
          <LinearProgress
            variant="determinate"
            value={
              (100 * snapshot.filtering.tested) /
              Math.max(1, snapshot.filtering.of)
            }
          />
        </Box>
      )}
      {snapshot?.backfill?.state === 'failed' && (
        <Alert severity="warning">
          Could not read the history: {snapshot.backfill.reason}. Showing live
          messages.
        </Alert>
      )}
      {snapshot?.notices?.map((notice, i) => (
        <Alert severity="warning" key={i}>
          {notice}
        </Alert>
      ))}
      {snapshot?.backfill?.state === 'done' && snapshot.backfill.reason && (
        <Box mb={1}>
          <Typography variant="caption" color="textSecondary">
            History: {snapshot.backfill.loaded.toLocaleString()} messages read;{' '}
            {snapshot.backfill.reason}.
          </Typography>
        </Box>
      )}
      {filter && coveredFrom !== undefined && (
        <Box mb={1}>
          <Typography variant="caption" color="textSecondary">
            The filter covers messages since {formatTime(coveredFrom)} (what the
            backend keeps unsummarised).
          </Typography>
        </Box>
      )}
      {!filter &&
        start.startsWith('minutes:') &&
        snapshot?.backfill?.state === 'done' &&
        coveredFrom !== undefined && (
          <Box mb={1}>
            <Typography variant="caption" color="textSecondary">
              Complete from {formatTime(coveredFrom)}: the server no longer had
              older messages (retention), so the rates start there.
            </Typography>
          </Box>
        )}
      {!snapshot && !error && (
        <LinearProgress aria-label="Connecting to the stream" />
      )}

      <StreamCharts
        snapshot={snapshot}
        fields={stream.payload ? stream.fields : []}
        fieldsHidden={!stream.payload && stream.fields.length > 0}
        kafka={kafka}
        windowMs={windowMs}
        entityRef={stream.entityRef}
      />

      <Paper className={classes.section} variant="outlined">
        <Typography component="h3" variant="subtitle1" gutterBottom>
          Latest messages
        </Typography>
        {stream.payload === false || (snapshot && !snapshot.latest) ? (
          <Alert severity="info">
            You can see the rates of this stream but not its messages: only the
            owners of {stream.entityRef} see them, with the field charts and
            filters (streams.payload.read).
          </Alert>
        ) : (
          snapshot?.latest && (
            <LatestTable
              messages={snapshot.latest}
              transport={stream.transport}
            />
          )
        )}
      </Paper>

      <Box mt={2}>
        <InfoPanel api={api} streamRef={stream.entityRef} paused={paused} />
      </Box>
    </div>
  );
}
