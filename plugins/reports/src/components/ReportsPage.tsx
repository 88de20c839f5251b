import { useState } from 'react';
import { Box, TextField } from '@material-ui/core';
import { Autocomplete } from '@material-ui/lab';
import { Content, EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import { ReportsPanel } from './ReportsPanel';

/** Page "Reports": pick any component, API, resource or system and generate its report. */
export function ReportsPage() {
  const catalogApi = useApi(catalogApiRef);
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
        <EmptyState missing="field" title="Pick an entity" description="Service overviews are available for components, APIs, resources and systems." />
      )}
    </Content>
  );
}
