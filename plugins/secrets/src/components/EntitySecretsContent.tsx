import { useMemo, useState } from 'react';
import { Box, Button, Card, CardContent, Tab, Tabs, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import AddIcon from '@material-ui/icons/Add';
import { EmptyState, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { SecretMetadata } from '@stacktalk/plugin-secrets-common';
import { secretsApiRef } from '../api/SecretsClient';
import { useSecretsMatrix } from '../hooks/useSecretsMatrix';
import { SecretsMatrix } from './SecretsMatrix';
import { SecretDialog, type SecretDialogTarget } from './SecretDialog';
import { HistoryDialog } from './HistoryDialog';
import { AuditTable } from './AuditTable';
import { ExportButtons } from './ExportButtons';

function download(filename: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The entity tab "Secrets". */
export function EntitySecretsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(secretsApiRef);
  const { value: matrix, loading, error, retry } = useSecretsMatrix(entityRef);
  const [tab, setTab] = useState(0);
  const [dialog, setDialog] = useState<SecretDialogTarget>();
  const [history, setHistory] = useState<SecretMetadata>();
  const [notice, setNotice] = useState<{ severity: 'success' | 'error'; text: string }>();
  const [auditKey, setAuditKey] = useState(0);
  const changed = () => {
    retry();
    setAuditKey(k => k + 1);
  };
  const run = async (text: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      setNotice({ severity: 'success', text });
      changed();
    } catch (e) {
      setNotice({ severity: 'error', text: (e as Error).message });
    }
  };

  const actions = useMemo(
    () => ({
      reveal: async (s: SecretMetadata) => {
        const { value } = await api.reveal(entityRef, s.environment, s.name);
        setAuditKey(k => k + 1);
        return value;
      },
      edit: (s: SecretMetadata) => setDialog({ name: s.name, environment: s.environment, current: s }),
      create: (name: string, environment: string) => setDialog({ name, environment }),
      history: (s: SecretMetadata) => setHistory(s),
      remove: (s: SecretMetadata) => run(`${s.name} deleted in ${s.environment}; restore it from the same cell`, () => api.remove(entityRef, s.environment, s.name)),
      restore: (s: SecretMetadata) => run(`${s.name} restored in ${s.environment}`, () => api.restore(entityRef, s.environment, s.name)),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entityRef],
  );

  if (loading && !matrix) return <Progress />;
  if (error) {
    if ((error as any).response?.status === 403 || error.name === 'NotAllowedError') {
      return (
        <EmptyState
          missing="data"
          title="No access to this entity's secrets"
          description="Secrets are visible to the entity's owners and to secrets administrators. Ask the owning team if you need a value."
        />
      );
    }
    return <ResponseErrorPanel error={error} />;
  }
  if (!matrix) return null;

  const writable = matrix.environments.filter(e => e.access.write).map(e => e.name);
  const exportable = matrix.environments.filter(e => e.access.reveal);
  const missingCount = Object.keys(matrix.missing).length;

  return (
    <Card>
      <CardContent>
        <Box display="flex" alignItems="center" justifyContent="space-between" flexWrap="wrap" style={{ gap: 8 }}>
          <Typography variant="h5">Secrets</Typography>
          <Box display="flex" style={{ gap: 8 }}>
            {exportable.map(env => (
              <ExportButtons
                key={env.name}
                environment={env}
                onExport={format => run(`Exported ${env.name} as ${format}`, async () => {
                  const file = await api.exportEnvironment(entityRef, env.name, format);
                  download(file.filename, file.blob);
                })}
              />
            ))}
            {writable.length > 0 && (
              <Button variant="contained" color="primary" size="small" startIcon={<AddIcon />} onClick={() => setDialog({})}>
                New secret
              </Button>
            )}
          </Box>
        </Box>
        {notice && (
          <Alert severity={notice.severity} onClose={() => setNotice(undefined)} style={{ marginTop: 8 }}>
            {notice.text}
          </Alert>
        )}
        {missingCount > 0 && (
          <Alert severity="warning" style={{ marginTop: 8 }}>
            {missingCount === 1 ? '1 secret is' : `${missingCount} secrets are`} missing in some environments:{' '}
            {Object.entries(matrix.missing).map(([name, envs]) => `${name} (${envs.join(', ')})`).join('; ')}
          </Alert>
        )}
        <Tabs value={tab} onChange={(_e, v) => setTab(v)} indicatorColor="primary" style={{ marginTop: 8 }}>
          <Tab label="Matrix" />
          <Tab label="Audit log" />
        </Tabs>
        {tab === 0 &&
          (matrix.secrets.length === 0 ? (
            <EmptyState
              missing="content"
              title="No secrets yet"
              description={writable.length ? 'Create the first one with "New secret". Values are encrypted at rest and every reveal is audited.' : 'The owners have not stored any secrets for this entity.'}
            />
          ) : (
            <SecretsMatrix matrix={matrix} actions={actions} />
          ))}
        {tab === 1 && <AuditTable entityRef={entityRef} environments={matrix.environments.map(e => e.name)} refreshKey={auditKey} />}
      </CardContent>
      {dialog && (
        <SecretDialog
          target={dialog}
          environments={writable}
          onClose={() => setDialog(undefined)}
          onSave={async (environment, name, body) => {
            await api.write(entityRef, environment, name, body);
            setDialog(undefined);
            setNotice({ severity: 'success', text: `${name} saved in ${environment}` });
            changed();
          }}
        />
      )}
      {history && (
        <HistoryDialog
          entityRef={entityRef}
          secret={history}
          access={matrix.environments.find(e => e.name === history.environment)!.access}
          onClose={didChange => {
            setHistory(undefined);
            if (didChange) changed();
          }}
        />
      )}
    </Card>
  );
}
