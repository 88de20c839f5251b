import { Box, Button, Card, CardContent, Chip, Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Content, EmptyState, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { useState } from 'react';
import { secretsApiRef } from '../api/SecretsClient';
import { AuditTable } from './AuditTable';

/** Key rotation status: records per key-encryption key, and the re-wrap job. */
function KeyUsagePanel() {
  const api = useApi(secretsApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.keys(), [api]);
  const [startError, setStartError] = useState<string>();
  useInterval(retry, value?.rewrap.running ? 1000 : null);
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { keys, rewrap } = value!;
  const stale = keys.filter(k => !k.active && k.records > 0);
  return (
    <Card>
      <CardContent>
        <Typography variant="h6">Key-encryption keys</Typography>
        <Table size="small" aria-label="Key usage">
          <TableHead>
            <TableRow>
              <TableCell>Key id</TableCell>
              <TableCell>State</TableCell>
              <TableCell align="right">Records it protects</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {keys.map(k => (
              <TableRow key={k.id}>
                <TableCell style={{ fontFamily: 'monospace' }}>{k.id}</TableCell>
                <TableCell>
                  {k.active ? <Chip size="small" color="primary" label="active" /> : <Chip size="small" label={k.records ? 'retiring' : 'unused: safe to remove'} />}
                </TableCell>
                <TableCell align="right">{k.records.toLocaleString()}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Box mt={2} display="flex" alignItems="center" style={{ gap: 12 }}>
          <Button
            variant="contained"
            color="primary"
            disabled={rewrap.running || stale.length === 0}
            onClick={() => api.rewrap().then(retry, e => setStartError(e.message))}
          >
            {rewrap.running ? `Re-wrapping… ${rewrap.lastRun?.rewrapped ?? 0}` : 'Re-wrap now'}
          </Button>
          <Typography variant="body2" color="textSecondary">
            {stale.length === 0
              ? 'Every data key is under the active key.'
              : `${stale.reduce((n, k) => n + k.records, 0).toLocaleString()} records still use an older key; the job also runs every 10 minutes.`}
          </Typography>
        </Box>
        {rewrap.lastRun && !rewrap.running && (
          <Typography variant="caption" color="textSecondary" component="p">
            Last run by {rewrap.lastRun.actor}: {rewrap.lastRun.rewrapped.toLocaleString()} re-wrapped
            {rewrap.lastRun.error ? `, failed: ${rewrap.lastRun.error}` : ''}.
          </Typography>
        )}
        {startError && <Alert severity="error">{startError}</Alert>}
      </CardContent>
    </Card>
  );
}

/** Top-level page for secrets administrators: key rotation and the portal-wide audit log. */
export function SecretsAdminPage() {
  const api = useApi(secretsApiRef);
  const access = useAsyncRetry(async () => ({ keys: await api.keys(), environments: await api.environments() }), [api]);
  return (
    <Content>
      {access.loading && <Progress />}
      {access.error &&
        ((access.error as any).response?.status === 403 ? (
          <EmptyState
            missing="data"
            title="For secrets administrators"
            description="Key rotation and the portal-wide secrets audit log are for members of the groups in secrets.adminGroups. Each entity's own audit log is on its Secrets tab."
          />
        ) : (
          <ResponseErrorPanel error={access.error} />
        ))}
      {access.value && (
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <KeyUsagePanel />
          </Grid>
          <Grid item xs={12}>
            <AuditTable environments={access.value.environments.map(e => e.name)} refreshKey={0} />
          </Grid>
        </Grid>
      )}
    </Content>
  );
}
