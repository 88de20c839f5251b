import { Fragment, useState } from 'react';
import {
  Chip,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import type { LatestMessage } from '../api/types';
import { formatTime } from './TimeChart';

const useStyles = makeStyles(theme => ({
  scroll: { maxHeight: 440, overflow: 'auto' },
  head: { '& th': { whiteSpace: 'nowrap' } },
  row: {
    cursor: 'pointer',
    '&:hover': { background: theme.palette.action.hover },
  },
  mono: { fontFamily: 'monospace', fontSize: '0.8rem', whiteSpace: 'nowrap' },
  preview: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    maxWidth: 520,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  full: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    margin: 0,
    maxHeight: 360,
    overflow: 'auto',
    background: theme.palette.background.default,
    padding: theme.spacing(1),
  },
}));

const PREVIEW = 120;

function text(m: LatestMessage, pretty: boolean) {
  if (m.kind === 'json')
    return JSON.stringify(m.value, null, pretty ? 2 : undefined);
  return String(m.value);
}

/** The newest messages first; a payload is one truncated line until its row is opened. */
export function LatestTable({
  messages,
  transport,
}: {
  messages: LatestMessage[];
  transport: 'kafka' | 'redis';
}) {
  const classes = useStyles();
  const [open, setOpen] = useState<string | undefined>();
  if (messages.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No messages in this window yet.
      </Typography>
    );
  }
  return (
    <div className={classes.scroll}>
      <Table size="small" stickyHeader aria-label="Latest messages">
        <TableHead className={classes.head}>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Time</TableCell>
            <TableCell>
              {transport === 'kafka' ? 'Partition:offset' : 'Entry id'}
            </TableCell>
            <TableCell>Key</TableCell>
            <TableCell align="right">Bytes</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>Payload</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {messages.map(m => {
            const expanded = open === m.id;
            const line = text(m, false);
            return (
              <Fragment key={m.id}>
                <TableRow
                  className={classes.row}
                  onClick={() => setOpen(expanded ? undefined : m.id)}
                  aria-expanded={expanded}
                >
                  <TableCell padding="checkbox">
                    <IconButton
                      size="small"
                      aria-label={
                        expanded ? `Collapse ${m.id}` : `Expand ${m.id}`
                      }
                    >
                      {expanded ? (
                        <ExpandLessIcon fontSize="small" />
                      ) : (
                        <ExpandMoreIcon fontSize="small" />
                      )}
                    </IconButton>
                  </TableCell>
                  <TableCell className={classes.mono}>
                    {formatTime(m.timestamp)}.
                    {String(m.timestamp % 1000).padStart(3, '0')}
                  </TableCell>
                  <TableCell className={classes.mono}>{m.id}</TableCell>
                  <TableCell className={classes.mono}>{m.key ?? '—'}</TableCell>
                  <TableCell align="right" className={classes.mono}>
                    {m.size}
                  </TableCell>
                  <TableCell>
                    {m.kind === 'binary' ? (
                      <Chip
                        size="small"
                        color="secondary"
                        label="not decodable — shown as hex"
                      />
                    ) : (
                      <Chip size="small" variant="outlined" label={m.kind} />
                    )}
                  </TableCell>
                  <TableCell
                    className={classes.preview}
                    title={
                      line.length > PREVIEW
                        ? 'Click to see all of it'
                        : undefined
                    }
                  >
                    {line.length > PREVIEW
                      ? `${line.slice(0, PREVIEW)}…`
                      : line}
                  </TableCell>
                </TableRow>
                {expanded && (
                  <TableRow>
                    <TableCell colSpan={7}>
                      <pre
                        className={classes.full}
                        aria-label={`Payload of ${m.id}`}
                      >
                        {text(m, true)}
                      </pre>
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
