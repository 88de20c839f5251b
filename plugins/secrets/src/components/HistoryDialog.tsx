import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { ScopeAccess, SecretMetadata } from '@stacktalk/plugin-secrets-common';
import { secretsApiRef } from '../api/SecretsClient';
import { age } from './format';

/** Every version of one secret, with roll back (writes the old value as a new version) and destroy. */
export function HistoryDialog(props: { entityRef: string; secret: SecretMetadata; access: ScopeAccess; onClose(changed: boolean): void }) {
  const { entityRef, secret, access, onClose } = props;
  const api = useApi(secretsApiRef);
  const { value: versions, loading, error } = useAsync(() => api.history(entityRef, secret.environment, secret.name), [secret]);
  const [actionError, setActionError] = useState<string>();
  const [confirmDestroy, setConfirmDestroy] = useState(false);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      onClose(true);
    } catch (e) {
      setActionError((e as Error).message);
    }
  };

  return (
    <Dialog open onClose={() => onClose(false)} fullWidth maxWidth="md" aria-labelledby="history-title">
      <DialogTitle id="history-title">History of {secret.name} in {secret.environment}</DialogTitle>
      <DialogContent>
        {loading && <Progress />}
        {(error || actionError) && <Alert severity="error">{error?.message ?? actionError}</Alert>}
        {versions && (
          <Table size="small" aria-label="Versions">
            <TableHead>
              <TableRow>
                <TableCell>Version</TableCell>
                <TableCell>Written</TableCell>
                <TableCell>By</TableCell>
                <TableCell>Description</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {versions.map(v => (
                <TableRow key={v.version}>
                  <TableCell>v{v.version}{v.version === secret.version ? ' (current)' : ''}</TableCell>
                  <TableCell title={v.createdAt}>{age(v.createdAt)}</TableCell>
                  <TableCell>{v.createdBy}</TableCell>
                  <TableCell>{v.description ?? ''}</TableCell>
                  <TableCell align="right">
                    {access.write && !secret.deletedAt && v.version !== secret.version && (
                      <Button size="small" onClick={() => act(() => api.rollback(entityRef, secret.environment, secret.name, v.version, secret.version))}>
                        Roll back to v{v.version}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {confirmDestroy && (
          <Alert severity="warning" style={{ marginTop: 12 }}>
            Destroying deletes every version of {secret.name} in {secret.environment} for good. The audit log keeps the record.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {access.destroy && !confirmDestroy && <Button onClick={() => setConfirmDestroy(true)} style={{ color: '#b71c1c' }}>Destroy…</Button>}
        {confirmDestroy && (
          <Button variant="contained" style={{ background: '#b71c1c', color: 'white' }} onClick={() => act(() => api.destroy(entityRef, secret.environment, secret.name))}>
            Destroy {secret.name} permanently
          </Button>
        )}
        <Button onClick={() => onClose(false)}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
