import { Content, Header, Link, Page, Progress, ResponseErrorPanel, Table, type TableColumn } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { CiHealthEntry } from '@stacktalk/plugin-ci-status-common';
import { ciStatusApiRef } from '../api/CiStatusClient';
import { RunStatus } from './RunStatus';
import { formatAgo } from './format';

const columns: TableColumn<CiHealthEntry>[] = [
  {
    title: 'State',
    field: 'state',
    width: '120px',
    render: e => (e.latest ? <RunStatus status={e.latest.status} conclusion={e.latest.conclusion} /> : <Typography variant="body2" color="textSecondary">{e.error ? 'Error' : 'No runs'}</Typography>),
  },
  { title: 'Component', field: 'title', render: e => <EntityRefLink entityRef={e.entityRef} title={e.title} /> },
  { title: 'Repository', field: 'repo', render: e => <code>{e.repo}</code> },
  { title: 'Branch', field: 'branch', render: e => <code>{e.branch || '–'}</code> },
  {
    title: 'Latest run',
    field: 'latest.startedAt',
    render: e =>
      e.latest ? (
        <span>
          <Link to={e.latest.url} target="_blank" rel="noopener noreferrer">{e.latest.workflow} #{e.latest.runNumber}</Link> · {formatAgo(e.latest.startedAt)}
          {e.stale ? ' · stale' : ''}
        </span>
      ) : (
        e.error ?? '–'
      ),
  },
];

/** Page "CI health": components whose watched (default) branch fails, grouped by owner. */
export function CiHealthPage() {
  const api = useApi(ciStatusApiRef);
  const { value, loading, error } = useAsyncRetry(() => api.health(), [api]);
  const failing = value?.groups.reduce((n, g) => n + g.entries.filter(e => e.state === 'failing').length, 0) ?? 0;
  const total = value?.groups.reduce((n, g) => n + g.entries.length, 0) ?? 0;
  return (
    <Page themeId="tool">
      <Header title="CI health" subtitle="Components whose default branch fails on GitHub Actions, by owner" />
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <Box>
            <Typography variant="body1" gutterBottom data-testid="ci-health-summary">
              {failing} of {total} components fail on their watched branch.
            </Typography>
            {value.groups.map(group => (
              <Box key={group.owner} mb={3}>
                <Table<CiHealthEntry>
                  title={
                    <span>
                      <EntityRefLink entityRef={group.owner} defaultKind="group" /> — {group.entries.filter(e => e.state === 'failing').length} failing
                    </span>
                  }
                  options={{ paging: false, search: false, padding: 'dense' }}
                  columns={columns}
                  data={group.entries}
                />
              </Box>
            ))}
          </Box>
        )}
      </Content>
    </Page>
  );
}
