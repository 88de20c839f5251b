import { useEffect } from 'react';
import { Box, Chip, IconButton, Tooltip } from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import GetAppIcon from '@material-ui/icons/GetApp';
import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { ReportJob } from '@stacktalk/plugin-reports-common';
import { reportsApiRef } from '../api/ReportsClient';
import { fileName, saveBlob } from './files';

const STATUS_COLOR: Record<string, string> = { done: '#e8f5e9', failed: '#ffebee', rendering: '#e3f2fd', queued: '#f5f5f5' };

/**
 * The caller's reports (an admin's: everyone's) with who generated them and when, their status, download and delete: one entity's
 * history, or with `showEntity` the newest reports across entities. While one of them is queued
 * or rendering (a scheduled one too), the list is fetched again every 2 s.
 */
export function ReportHistory(props: {
  title: string;
  jobs?: ReportJob[];
  loading: boolean;
  error?: Error;
  empty: string;
  showEntity?: boolean;
  templateTitle: (id: string) => string;
  onChanged: () => void;
  onError: (message: string) => void;
}) {
  const { jobs, templateTitle, onChanged, onError } = props;
  const api = useApi(reportsApiRef);
  const busy = (jobs ?? []).some(j => j.status === 'queued' || j.status === 'rendering');
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setInterval(onChanged, 2000);
    return () => clearInterval(timer);
  }, [busy, onChanged]);
  const columns: TableColumn<ReportJob>[] = [
    { title: 'Generated', field: 'createdAt', render: j => new Date(j.createdAt).toLocaleString() },
    ...(props.showEntity ? [{ title: 'Entity', field: 'entityRef', render: (j: ReportJob) => <EntityRefLink entityRef={j.entityRef} /> }] : []),
    { title: 'Template', field: 'template', render: j => templateTitle(j.template) },
    { title: 'By', field: 'createdBy', render: j => `${j.createdBy.replace(/^user:default\//, '')}${j.scheduleId ? ' (schedule)' : ''}` },
    {
      title: 'Status',
      field: 'status',
      render: j => <Chip size="small" label={j.status === 'failed' ? `failed: ${j.error ?? ''}`.slice(0, 60) : j.status} style={{ background: STATUS_COLOR[j.status] }} />,
    },
    { title: 'Pages', field: 'pages', render: j => (j.pages ? `${j.pages} · ${j.format}` : j.format) },
    {
      title: '',
      field: 'id',
      render: j => (
        <Box display="flex">
          {j.status === 'done' && (
            <Tooltip title="Download">
              <IconButton
                size="small"
                aria-label={`Download report of ${new Date(j.createdAt).toLocaleString()}`}
                onClick={() =>
                  api.download(j.id).then(
                    blob => saveBlob(blob, fileName(j)),
                    e => onError(e.message),
                  )
                }
              >
                <GetAppIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          )}
          <Tooltip title="Delete">
            <IconButton
              size="small"
              aria-label="Delete report"
              onClick={async () => {
                await api.remove(j.id).catch(e => onError(e.message));
                onChanged();
              }}
            >
              <DeleteIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        </Box>
      ),
    },
  ];
  return (
    <Table<ReportJob>
      title={props.title}
      isLoading={props.loading && !jobs}
      data={jobs ?? []}
      columns={columns}
      options={{ paging: true, pageSize: 10, search: false, padding: 'dense' }}
      emptyContent={<Box p={2}>{props.error ? props.error.message : props.empty}</Box>}
    />
  );
}
