import { useState } from 'react';
import { Box, TextField, Typography } from '@material-ui/core';
import { Alert, Autocomplete } from '@material-ui/lab';
import { Content, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { reportsApiRef } from '../api/ReportsClient';
import { ReportHistory } from './ReportHistory';
import { ReportsPanel } from './ReportsPanel';

/**
 * Page "Reports": the newest reports of every entity the user may read; pick any component,
 * API, resource or system to generate its report.
 */
export function ReportsPage() {
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(reportsApiRef);
  const entities = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: ['Component', 'API', 'Resource', 'System'] },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items
      .map(e => ({ ref: stringifyEntityRef(e), label: `${e.metadata.title ?? e.metadata.name} (${e.kind.toLowerCase()})` }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);
  const [entityRef, setEntityRef] = useState<string | null>(null);
  const recent = useAsyncRetry(() => api.list(), [api, entityRef]);
  const templates = useAsync(() => api.templates(), [api]);
  const [error, setError] = useState<string>();
  return (
    <Content>
      {entities.loading && <Progress />}
      {entities.value && (
        <Box mb={3} maxWidth={520}>
          <Autocomplete
            options={entities.value}
            getOptionLabel={o => o.label}
            onChange={(_e, v) => setEntityRef(v?.ref ?? null)}
            renderInput={params => <TextField {...params} label="Entity" placeholder="Search the catalog" variant="outlined" />}
          />
        </Box>
      )}
      {entityRef ? (
        <ReportsPanel key={entityRef} entityRef={entityRef} />
      ) : (
        <>
          <Typography variant="body2" color="textSecondary" paragraph>
            Pick a component, API, resource or system above to generate its report.
          </Typography>
          {error && <Alert severity="error" style={{ marginBottom: 12 }}>{error}</Alert>}
          <ReportHistory
            title="Recent reports"
            showEntity
            jobs={recent.value}
            loading={recent.loading}
            error={recent.error}
            empty="No reports yet. Pick an entity above to generate the first one."
            templateTitle={id => templates.value?.templates.find(t => t.id === id)?.title ?? id}
            onChanged={recent.retry}
            onError={setError}
          />
        </>
      )}
    </Content>
  );
}
