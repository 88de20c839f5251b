import { useState } from 'react';
import { Box, MenuItem, TextField } from '@material-ui/core';
import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { AuditEvent } from '@stacktalk/plugin-secrets-common';
import { secretsApiRef, type AuditFilter } from '../api/SecretsClient';

const ACTIONS = ['reveal', 'export', 'write', 'rollback', 'delete', 'restore', 'destroy'];

const columns: TableColumn<AuditEvent>[] = [
  { title: 'When', field: 'at', render: e => new Date(e.at).toLocaleString() },
  { title: 'Who', field: 'actor' },
  { title: 'Action', field: 'action', render: e => (e.outcome === 'denied' ? `${e.action} (denied)` : e.action) },
  { title: 'Environment', field: 'environment' },
  { title: 'Secret', field: 'name', render: e => (e.name ? `${e.name}${e.version ? ` v${e.version}` : ''}` : '') },
  { title: 'Details', field: 'detail' },
  { title: 'Source', field: 'source' },
];

/**
 * A secrets audit trail, filterable by action and environment: one entity's (`entityRef`), or
 * portal-wide for admins (no `entityRef`; then also by entity and actor).
 */
export function AuditTable(props: { entityRef?: string; environments: string[]; refreshKey: number }) {
  const api = useApi(secretsApiRef);
  const [action, setAction] = useState('');
  const [environment, setEnvironment] = useState('');
  const [entityRef, setEntityRef] = useState('');
  const [actor, setActor] = useState('');
  const [outcome, setOutcome] = useState('');
  const { value, loading, error } = useAsync(() => {
    const filter: AuditFilter = { action, environment, outcome };
    return props.entityRef ? api.audit(props.entityRef, filter) : api.portalAudit({ ...filter, entityRef, actor });
  }, [props.entityRef, action, environment, outcome, entityRef, actor, props.refreshKey]);
  const cols = props.entityRef ? columns : [columns[0], { title: 'Entity', field: 'entityRef' } as TableColumn<AuditEvent>, ...columns.slice(1)];
  return (
    <Box>
      <Box display="flex" style={{ gap: 16 }} mb={1}>
        {!props.entityRef && (
          <>
            <TextField id="audit-entity" label="Entity ref" value={entityRef} onChange={e => setEntityRef(e.target.value)} placeholder="component:default/…" />
            <TextField id="audit-actor" label="Actor" value={actor} onChange={e => setActor(e.target.value)} placeholder="user:default/…" />
          </>
        )}
        <TextField id="audit-action" select label="Action" value={action} onChange={e => setAction(e.target.value)} style={{ minWidth: 160 }}>
          <MenuItem value="">All actions</MenuItem>
          {ACTIONS.map(a => <MenuItem key={a} value={a}>{a}</MenuItem>)}
        </TextField>
        <TextField id="audit-outcome" select label="Outcome" value={outcome} onChange={e => setOutcome(e.target.value)} style={{ minWidth: 160 }}>
          <MenuItem value="">Allowed and denied</MenuItem>
          <MenuItem value="allowed">allowed</MenuItem>
          <MenuItem value="denied">denied</MenuItem>
        </TextField>
        <TextField id="audit-environment" select label="Environment" value={environment} onChange={e => setEnvironment(e.target.value)} style={{ minWidth: 160 }}>
          <MenuItem value="">All environments</MenuItem>
          {props.environments.map(env => <MenuItem key={env} value={env}>{env}</MenuItem>)}
        </TextField>
      </Box>
      <Table<AuditEvent>
        title="Audit log"
        isLoading={loading}
        data={value ?? []}
        columns={cols}
        options={{ paging: true, pageSize: 10, search: false, padding: 'dense' }}
        emptyContent={<Box p={2}>{error ? `Could not load the audit log: ${error.message}` : 'Nothing recorded yet.'}</Box>}
      />
    </Box>
  );
}
