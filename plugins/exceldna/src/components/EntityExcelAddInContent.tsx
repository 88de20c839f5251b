import { Progress, ResponseErrorPanel, Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import type { AddInBuild } from '@stacktalk/plugin-exceldna-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { exceldnaApiRef } from '../api/ExceldnaClient';
import { FileBadges, ReadinessChip } from './badges';
import { BuildDetails } from './BuildDetails';

/** Entity tab "Excel add-in": the builds, their files and readiness; a row opens its details. */
export function EntityExcelAddInContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(exceldnaApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.builds(entityRef), [entityRef]);
  // GitHub builds come from a scheduled sync: while it runs, ask again every 3 s
  const syncing = !!value?.github?.syncing;
  useEffect(() => {
    if (!syncing) return undefined;
    const t = setTimeout(retry, 3000);
    return () => clearTimeout(t);
  }, [syncing, value, retry]);
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const columns: TableColumn<AddInBuild>[] = [
    { title: 'Version', render: b => b.version ?? '—' },
    { title: 'Branch', render: b => b.branch ?? '—' },
    { title: 'Commit', render: b => (b.commit ? b.commit.slice(0, 7) : '—') },
    { title: 'Date', render: b => new Date(b.createdAt).toLocaleString() },
    { title: 'Source', render: b => (b.url ? <a href={b.url}>{b.source}</a> : b.source) },
    { title: 'Readiness', render: b => <ReadinessChip ready={b.readiness.ready} /> },
    {
      title: 'Add-ins',
      render: b => b.files.map(f => (
        <div key={f.fileName}>
          <FileBadges file={f} />
        </div>
      )),
    },
  ];
  return (
    <>
      {value?.github?.problem && <Typography color="error">{value.github.problem}</Typography>}
      {value?.github && (
        <Typography variant="body2" color="textSecondary" style={{ marginBottom: 8 }}>
          {syncing ? 'Syncing builds from GitHub…' : 'GitHub builds synced'}
          {value.github.lastSyncedAt && ` — last synced ${new Date(value.github.lastSyncedAt).toLocaleString()}`}
        </Typography>
      )}
      {value?.github?.stale && <Typography color="textSecondary">GitHub unavailable since {value.github.stale.since}: builds as last seen.</Typography>}
      <Table<AddInBuild>
        title="Excel add-in builds"
        options={{ paging: false, search: false }}
        columns={columns}
        data={value?.builds ?? []}
        detailPanel={({ rowData }) => <BuildDetails entityRef={entityRef} build={rowData} />}
        emptyContent={<Typography style={{ padding: 16 }}>No builds yet: annotate the component with stacktalk.io/exceldna-workflow, or upload from CI.</Typography>}
      />
    </>
  );
}
