import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { Box, makeStyles, Typography } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { ciStatusApiRef } from '../api/CiStatusClient';

const useStyles = makeStyles(theme => ({
  log: {
    fontFamily: 'monospace',
    fontSize: 12,
    maxHeight: 420,
    overflow: 'auto',
    background: theme.palette.type === 'dark' ? '#111' : '#f6f8fa',
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: 4,
    padding: theme.spacing(1, 0),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
  line: { display: 'flex', padding: '0 8px' },
  number: { color: theme.palette.text.secondary, minWidth: 48, textAlign: 'right', marginRight: 12, userSelect: 'none' },
  failing: { background: theme.palette.type === 'dark' ? 'rgba(244,67,54,0.25)' : '#ffebe9', color: theme.palette.type === 'dark' ? '#ffb4ab' : '#82071e' },
}));

/** The tail of a job's log, failing lines highlighted, with a link to the full log on GitHub. */
export function JobLog(props: { entityRef: string; runId: number; jobId: number }) {
  const classes = useStyles();
  const api = useApi(ciStatusApiRef);
  const { value, loading, error } = useAsync(() => api.jobLog(props.entityRef, props.runId, props.jobId), [api, props.entityRef, props.runId, props.jobId]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const failing = value.lines.filter(line => line.failing).length;
  return (
    <Box>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Last {value.lines.length} of {value.totalLines} lines{failing ? `, ${failing} failing line${failing > 1 ? 's' : ''} highlighted` : ''}.{' '}
        {value.url && <Link to={value.url} target="_blank" rel="noopener noreferrer">Full log on GitHub</Link>}
      </Typography>
      <div className={classes.log} data-testid="ci-job-log">
        {value.lines.map(line => (
          <div key={line.number} className={`${classes.line} ${line.failing ? classes.failing : ''}`} data-failing={line.failing || undefined}>
            <span className={classes.number}>{line.number}</span>
            <span>{line.text}</span>
          </div>
        ))}
      </div>
    </Box>
  );
}
