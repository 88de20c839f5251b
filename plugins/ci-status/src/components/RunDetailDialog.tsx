import { useState } from 'react';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, List, ListItem, ListItemText, Typography,
  Accordion, AccordionSummary, AccordionDetails,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { CiRepoRef, WorkflowJob } from '@stacktalk/plugin-ci-status-common';
import { useCiData } from '../hooks/useCiData';
import { RunStatus } from './RunStatus';
import { JobLog } from './JobLog';
import { RerunButtons } from './RerunButtons';
import { StaleNotice } from './StaleNotice';
import { formatDuration, formatTime } from './format';

const jobSeconds = (job: WorkflowJob) =>
  job.started_at && job.completed_at ? Math.round((Date.parse(job.completed_at) - Date.parse(job.started_at)) / 1000) : undefined;

function JobPanel(props: { entityRef: string; runId: number; job: WorkflowJob }) {
  const { job } = props;
  const [open, setOpen] = useState(job.conclusion === 'failure');
  return (
    <Accordion expanded={open} onChange={(_, expanded) => setOpen(expanded)} TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Box display="flex" alignItems="center" style={{ gap: 12 }}>
          <RunStatus status={job.status} conclusion={job.conclusion} />
          <Typography>{job.name}</Typography>
          <Typography variant="body2" color="textSecondary">{formatDuration(jobSeconds(job))}</Typography>
        </Box>
      </AccordionSummary>
      <AccordionDetails>
        <Box width="100%">
          <List dense disablePadding>
            {(job.steps ?? []).map(step => (
              <ListItem key={step.number} disableGutters>
                <Box mr={1}><RunStatus status={step.status} conclusion={step.conclusion} /></Box>
                <ListItemText primary={`${step.number}. ${step.name}`} />
              </ListItem>
            ))}
          </List>
          <JobLog entityRef={props.entityRef} runId={props.runId} jobId={job.id} />
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** A run's jobs and steps, the log tail of each job (failing jobs opened), re-run buttons. */
export function RunDetailDialog(props: { entityRef: string; repo: CiRepoRef; runId: number; onClose: () => void }) {
  const { value, loading, error, retry } = useCiData(props.repo, api => api.run(props.entityRef, props.runId), [props.entityRef, props.runId]);
  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="lg" aria-labelledby="ci-run-title">
      <DialogTitle id="ci-run-title">
        {value ? `${value.run.workflow} #${value.run.runNumber}: ${value.run.commitMessage}` : 'Run'}
      </DialogTitle>
      <DialogContent dividers>
        {loading && !value && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <>
            <StaleNotice freshness={value} />
            <Box display="flex" alignItems="center" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
              <RunStatus status={value.run.status} conclusion={value.run.conclusion} size="medium" />
              <Typography variant="body2">
                <code>{value.run.branch}</code> · {value.run.event} · {value.run.sha.slice(0, 7)} · {value.run.actor} · started {formatTime(value.run.startedAt)} · {formatDuration(value.run.durationSeconds)}
                {value.run.attempt > 1 ? ` · attempt ${value.run.attempt}` : ''}
              </Typography>
              <Link to={value.run.url} target="_blank" rel="noopener noreferrer">View on GitHub</Link>
            </Box>
            {value.jobs.map(job => (
              <JobPanel key={job.id} entityRef={props.entityRef} runId={props.runId} job={job} />
            ))}
          </>
        )}
      </DialogContent>
      <DialogActions>
        {value && <RerunButtons entityRef={props.entityRef} run={value.run} onDone={retry} />}
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
