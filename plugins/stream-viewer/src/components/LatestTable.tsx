import { Fragment, useState } from 'react';
import {
  Box,
  Button,
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
  // Most of a laptop screen: about 20 rows at 1440 × 900.
  scroll: { maxHeight: 'max(440px, 75vh)', overflow: 'auto' },
  head: { '& th': { whiteSpace: 'nowrap' } },
  row: {
    cursor: 'pointer',
    '&:hover': { background: theme.palette.action.hover },
    '& td': { paddingTop: 2, paddingBottom: 2 },
  },
  held: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1),
    marginBottom: theme.spacing(1),
    background: theme.palette.background.default,
    borderLeft: `3px solid ${theme.palette.primary.main}`,
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

/** How many of `messages` are not among the held rows ("50+" when none of these is). */
function newerCount(messages: LatestMessage[], held: LatestMessage[]) {
  const ids = new Set(held.map(m => m.id));
  const n = messages.filter(m => !ids.has(m.id)).length;
  return n === messages.length && n > 0 ? `${n}+` : String(n);
}

/**
 * The newest messages first; a payload is one truncated line until its row is opened. While a
 * row is open the table holds the rows it showed then (new messages would push the open one out
 * within seconds) and says so; closing it, or "Show newest", goes live again.
 */
export function LatestTable({
  messages,
  transport,
}: {
  messages: LatestMessage[];
  transport: 'kafka' | 'redis';
}) {
  const classes = useStyles();
  const [open, setOpen] = useState<string | undefined>();
  const [held, setHeld] = useState<LatestMessage[] | undefined>();
  const toggle = (id: string) => {
    if (open === id) {
      setOpen(undefined);
      setHeld(undefined);
    } else {
      setOpen(id);
      setHeld(previous => previous ?? messages);
    }
  };
  const rows = held ?? messages;
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No messages in this window yet.
      </Typography>
    );
  }
  return (
    <>
      {held && (
        <Box className={classes.held} role="status" aria-label="Table held">
          <Typography variant="body2">
            Held while a message is open: {newerCount(messages, held)} newer
            messages are not shown. Close the message to follow the stream
            again.
          </Typography>
          <Button
            size="small"
            color="primary"
            onClick={() => {
              setOpen(undefined);
              setHeld(undefined);
            }}
          >
            Show newest
          </Button>
        </Box>
      )}
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
            {rows.map(m => {
              const expanded = open === m.id;
              const line = text(m, false);
              return (
                <Fragment key={m.id}>
                  <TableRow
                    className={classes.row}
                    onClick={() => toggle(m.id)}
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
                    <TableCell className={classes.mono}>
                      {m.key ?? '—'}
                    </TableCell>
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
    </>
  );
}
