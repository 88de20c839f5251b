import { Link, Table, type TableColumn } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import type { CiRun } from '@stacktalk/plugin-ci-status-common';
import { RunStatus } from './RunStatus';
import { formatAgo, formatDuration, formatTime } from './format';

const columns = (onOpen: (run: CiRun) => void): TableColumn<CiRun>[] => [
  {
    title: 'Status',
    field: 'conclusion',
    width: '120px',
    render: run => <RunStatus status={run.status} conclusion={run.conclusion} />,
  },
  {
    title: 'Run',
    field: 'commitMessage',
    width: '40%',
    render: run => (
      <Box>
        <Link to="#" onClick={e => { e.preventDefault(); onOpen(run); }} data-testid="ci-run-open">
          {run.commitMessage || `${run.workflow} #${run.runNumber}`}
        </Link>
        <Typography variant="body2" color="textSecondary">
          {run.workflow} #{run.runNumber}
          {run.attempt > 1 ? ` (attempt ${run.attempt})` : ''} · {run.event} · {run.sha.slice(0, 7)}
        </Typography>
      </Box>
    ),
  },
  { title: 'Branch', field: 'branch', render: run => <code>{run.branch ?? '–'}</code> },
  { title: 'Actor', field: 'actor', width: '140px' },
  {
    title: 'Started',
    field: 'startedAt',
    render: run => <span title={formatTime(run.startedAt)}>{formatAgo(run.startedAt)}</span>,
  },
  { title: 'Duration', field: 'durationSeconds', render: run => formatDuration(run.durationSeconds) },
  {
    title: 'GitHub',
    field: 'url',
    width: '130px',
    sorting: false,
    render: run => <Link to={run.url} target="_blank" rel="noopener noreferrer">View on GitHub</Link>,
  },
];

/** The runs of the entity's workflows, newest first. */
export function RunsTable(props: { runs: CiRun[]; onOpen: (run: CiRun) => void; title: string }) {
  return (
    <Table<CiRun>
      title={props.title}
      options={{ paging: true, pageSize: 20, pageSizeOptions: [20, 50, 100], search: false, padding: 'dense' }}
      columns={columns(props.onOpen)}
      data={props.runs}
    />
  );
}
