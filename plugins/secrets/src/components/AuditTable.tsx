import { useState } from 'react';
import { Box, MenuItem, TextField } from '@material-ui/core';
import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { AuditEvent } from '@stacktalk/plugin-secrets-common';
import { secretsApiRef } from '../api/SecretsClient';

const ACTIONS = ['reveal', 'export', 'write', 'rollback', 'delete', 'restore', 'destroy'];

const columns: TableColumn<AuditEvent>[] = [
  { title: 'When', field: 'at', render: e => new Date(e.at).toLocaleString() },
  { title: 'Who', field: 'actor' },
  { title: 'Action', field: 'action' },
  { title: 'Environment', field: 'environment' },
  { title: 'Secret', field: 'name', render: e => (e.name ? `${e.name}${e.version ? ` v${e.version}` : ''}` : '') },
  { title: 'Details', field: 'detail' },
  { title: 'Source', field: 'source' },
];

/** The entity's secrets audit trail, filterable by action and environment. */
export function AuditTable(props: { entityRef: string; environments: string[]; refreshKey: number }) {
  const api = useApi(secretsApiRef);
  const [action, setAction] = useState('');
  const [environment, setEnvironment] = useState('');
  const { value, loading, error } = useAsync(
    () => api.audit(props.entityRef, { action, environment }),
    [props.entityRef, action, environment, props.refreshKey],
  );
  return (
    <Box>
      <Box display="flex" style={{ gap: 16 }} mb={1}>
        <TextField select label="Action" value={action} onChange={e => setAction(e.target.value)} style={{ minWidth: 160 }}>
          <MenuItem value="">All actions</MenuItem>
          {ACTIONS.map(a => <MenuItem key={a} value={a}>{a}</MenuItem>)}
        </TextField>
        <TextField select label="Environment" value={environment} onChange={e => setEnvironment(e.target.value)} style={{ minWidth: 160 }}>
          <MenuItem value="">All environments</MenuItem>
          {props.environments.map(env => <MenuItem key={env} value={env}>{env}</MenuItem>)}
        </TextField>
      </Box>
      <Table<AuditEvent>
        title="Audit log"
        isLoading={loading}
        data={value ?? []}
        columns={columns}
        options={{ paging: true, pageSize: 10, search: false, padding: 'dense' }}
        emptyContent={<Box p={2}>{error ? `Could not load the audit log: ${error.message}` : 'Nothing recorded yet.'}</Box>}
      />
    </Box>
  );
}
