import { Chip, makeStyles } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import ScheduleIcon from '@material-ui/icons/Schedule';
import BlockIcon from '@material-ui/icons/Block';
import SyncIcon from '@material-ui/icons/Sync';
import HelpIcon from '@material-ui/icons/Help';

const useStyles = makeStyles(theme => ({
  success: { backgroundColor: theme.palette.success.main, color: theme.palette.success.contrastText ?? '#fff' },
  failure: { backgroundColor: theme.palette.error.main, color: theme.palette.error.contrastText ?? '#fff' },
  running: { backgroundColor: theme.palette.info.main, color: theme.palette.info.contrastText ?? '#fff' },
  other: {},
  icon: { color: 'inherit' },
}));

/** What a status/conclusion pair means for people. */
export function describeStatus(status: string | null, conclusion: string | null) {
  if (status !== 'completed') {
    return { label: status === 'queued' || status === 'waiting' || status === 'pending' ? 'Queued' : 'Running', kind: 'running' as const };
  }
  switch (conclusion) {
    case 'success':
      return { label: 'Success', kind: 'success' as const };
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
      return { label: conclusion === 'failure' ? 'Failed' : conclusion.replace('_', ' '), kind: 'failure' as const };
    case 'cancelled':
      return { label: 'Cancelled', kind: 'cancelled' as const };
    case 'skipped':
      return { label: 'Skipped', kind: 'cancelled' as const };
    default:
      return { label: conclusion ?? 'Unknown', kind: 'other' as const };
  }
}

/** A status badge: green success, red failure, blue running, grey otherwise. */
export function RunStatus(props: { status: string | null; conclusion: string | null; size?: 'small' | 'medium' }) {
  const classes = useStyles();
  const { label, kind } = describeStatus(props.status, props.conclusion);
  const icon = {
    success: <CheckCircleIcon className={classes.icon} />,
    failure: <ErrorIcon className={classes.icon} />,
    running: props.status === 'queued' ? <ScheduleIcon className={classes.icon} /> : <SyncIcon className={classes.icon} />,
    cancelled: <BlockIcon />,
    other: <HelpIcon />,
  }[kind];
  const className = kind === 'success' || kind === 'failure' || kind === 'running' ? classes[kind] : classes.other;
  return <Chip size={props.size ?? 'small'} icon={icon} label={label} className={className} data-testid="ci-run-status" data-state={kind} />;
}
