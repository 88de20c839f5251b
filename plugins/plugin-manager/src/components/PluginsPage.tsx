import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Content,
  EmptyState,
  Header,
  MarkdownContent,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { appTreeApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Box, Button, Chip, Drawer, IconButton, Paper, Tab, Tabs, TextField, Tooltip, Typography } from '@material-ui/core';
import { usePermission } from '@backstage/plugin-permission-react';
import CloseIcon from '@material-ui/icons/Close';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pluginsManagePermission } from '@stacktalk/plugin-plugin-manager-common';
import type {
  AvailablePackage,
  HealthCheck,
  InstalledBackendPackage,
  PluginStatus,
} from '@stacktalk/plugin-plugin-manager-common';
import { BundleRejectedError, pluginManagerApiRef } from '../api/PluginManagerClient';
import { ApplyProgress, ChangesBanner, useApplyChanges } from './ApplyPanel';
import { frontendFeatures, type FrontendFeatureRow } from './frontendFeatures';

const STATUS_COLOR: Record<PluginStatus, string> = { loaded: '#2e7d32', failed: '#c62828', disabled: '#757575' };

function StatusChip({ status, error }: { status: PluginStatus; error?: string }) {
  const chip = (
    <Chip size="small" label={status} data-testid={`status-${status}`} style={{ backgroundColor: STATUS_COLOR[status], color: '#fff' }} />
  );
  return error ? <Tooltip title={error}>{chip}</Tooltip> : chip;
}

function HealthCell({ health }: { health?: HealthCheck }) {
  if (!health) return <Typography variant="body2" color="textSecondary">–</Typography>;
  const label = { answering: 'answering', 'not-answering': 'not answering', 'no-routes': 'no routes' }[health.state];
  const color = { answering: '#2e7d32', 'no-routes': '#757575', 'not-answering': '#c62828' }[health.state];
  return (
    <Tooltip title={`${health.checked}${health.httpStatus ? ` → ${health.httpStatus}` : ''}${health.error ? ` (${health.error})` : ''}`}>
      <Chip size="small" variant="outlined" label={label} style={{ borderColor: color, color }} />
    </Tooltip>
  );
}

function PermissionsCell({ row }: { row: InstalledBackendPackage }) {
  if (row.permissionsError) {
    return <Typography variant="caption" color="error">{row.permissionsError}</Typography>;
  }
  if (row.permissions.length === 0) return <>–</>;
  return (
    <Box>
      {row.permissions.map(p => (
        <Typography key={p.name} variant="body2"><code>{p.name}</code></Typography>
      ))}
    </Box>
  );
}

function ConfigCell({ row }: { row: InstalledBackendPackage }) {
  const { config } = row;
  switch (config.state) {
    case 'complete':
      return <Typography variant="body2">complete</Typography>;
    case 'no-schema':
      return <Typography variant="body2" color="textSecondary">no schema</Typography>;
    case 'unchecked':
      return <Typography variant="body2" color="textSecondary">not checked</Typography>;
    default:
      return (
        <Box data-testid="config-missing">
          <Typography variant="body2" color="error">{config.state === 'missing' ? 'missing:' : 'invalid:'}</Typography>
          {config.missingKeys.map(k => (
            <Typography key={k} variant="body2"><code>{k}</code></Typography>
          ))}
          {config.errors.map(e => (
            <Typography key={e} variant="caption" display="block">{e}</Typography>
          ))}
        </Box>
      );
  }
}

function ReadmeDrawer({ packageName, onClose }: { packageName?: string; onClose: () => void }) {
  const api = useApi(pluginManagerApiRef);
  const { value, loading, error } = useAsyncRetry(
    async () => (packageName ? api.readme(packageName) : undefined),
    [api, packageName],
  );
  return (
    <Drawer anchor="right" open={Boolean(packageName)} onClose={onClose}>
      <Box width={720} maxWidth="90vw" p={3} data-testid="readme-drawer">
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="h5">{packageName}</Typography>
          <IconButton aria-label="Close README" onClick={onClose}><CloseIcon /></IconButton>
        </Box>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value !== undefined && <MarkdownContent content={value} dialect="gfm" />}
      </Box>
    </Drawer>
  );
}

/** Admins: upload a bundle (.tar.gz) with the integrity its publisher states. */
function UploadBundle({ onDone }: { onDone: (startedAt: number) => void }) {
  const api = useApi(pluginManagerApiRef);
  const [file, setFile] = useState<File | undefined>();
  const [integrity, setIntegrity] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string; missingKeys?: string[]; problems?: string[] } | undefined>();
  const submit = async () => {
    if (!file) return;
    const startedAt = Date.now();
    setBusy(true);
    setResult(undefined);
    try {
      const r = await api.uploadBundle(file, integrity.trim());
      setResult({ ok: true, message: `${r.package} ${r.version ?? ''} accepted.` });
      onDone(startedAt);
    } catch (error) {
      if (error instanceof BundleRejectedError) {
        setResult({ ok: false, message: error.message, missingKeys: error.missingKeys, problems: error.problems });
      } else {
        setResult({ ok: false, message: (error as Error).message });
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper variant="outlined" style={{ padding: 16, marginBottom: 16 }} data-testid="upload-bundle">
      <Typography variant="h6" gutterBottom>Install a plugin bundle</Typography>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 16 }}>
        <Button variant="outlined" component="label">
          {file ? file.name : 'Choose bundle (.tar.gz)'}
          <input hidden type="file" accept=".tgz,.tar.gz,application/gzip" aria-label="Bundle file" onChange={e => setFile(e.target.files?.[0])} />
        </Button>
        <TextField
          label="Integrity (sha512-…)"
          value={integrity}
          onChange={e => setIntegrity(e.target.value)}
          style={{ minWidth: 420 }}
          helperText="The SHA-512 its publisher states: openssl dgst -sha512 -binary b.tgz | base64 -w0"
          inputProps={{ 'aria-label': 'Integrity' }}
        />
        <Button variant="contained" color="primary" disabled={!file || !integrity.trim() || busy} onClick={submit}>
          {busy ? 'Checking…' : 'Install'}
        </Button>
      </Box>
      {result && (
        <Box mt={2} data-testid={result.ok ? 'install-ok' : 'install-error'}>
          <Typography variant="body2" color={result.ok ? 'primary' : 'error'}>{result.message}</Typography>
          {result.missingKeys && result.missingKeys.length > 0 && (
            <Box data-testid="install-missing-keys">
              <Typography variant="body2">Missing config keys (add them to the config, then install again):</Typography>
              {result.missingKeys.map(k => <Typography key={k} variant="body2"><code>{k}</code></Typography>)}
            </Box>
          )}
        </Box>
      )}
    </Paper>
  );
}

/** Admins: disable / enable / remove a dynamic plugin. */
function ManageButtons({ row, onDone }: { row: InstalledBackendPackage; onDone: (startedAt: number) => void }) {
  const api = useApi(pluginManagerApiRef);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (row.origin !== 'dynamic') return <Typography variant="caption" color="textSecondary">static</Typography>;
  const run = async (action: 'disable' | 'enable' | 'remove') => {
    // eslint-disable-next-line no-alert
    if (action === 'remove' && !window.confirm(`Remove ${row.package}?`)) return;
    const startedAt = Date.now();
    setBusy(true);
    setError(undefined);
    try {
      await api.manage(row.package, action);
      onDone(startedAt);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const disabled = row.status === 'disabled';
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
      <Button size="small" variant="outlined" disabled={busy} aria-label={`${disabled ? 'Enable' : 'Disable'} ${row.package}`} onClick={() => run(disabled ? 'enable' : 'disable')}>
        {disabled ? 'Enable' : 'Disable'}
      </Button>
      <Button size="small" variant="outlined" disabled={busy} aria-label={`Remove ${row.package}`} onClick={() => run('remove')} style={{ color: '#c62828' }}>
        Remove
      </Button>
      {error && <Typography variant="caption" color="error">{error}</Typography>}
    </Box>
  );
}

function InstalledTab({ onReadme, canManage, reload, onChanged }: { onReadme: (name: string) => void; canManage: boolean; reload: number; onChanged: (startedAt: number) => void }) {
  const api = useApi(pluginManagerApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.installed(), [api, reload]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.packages.length === 0) {
    return <EmptyState missing="data" title="No backend plugins found" description="The backend reports no plugin packages." />;
  }
  const columns: TableColumn<InstalledBackendPackage>[] = [
    {
      title: 'Package',
      field: 'package',
      render: r => (
        <Box>
          <Typography variant="body2"><strong>{r.package}</strong> {r.version}</Typography>
          <Typography variant="caption" color="textSecondary">{r.description}</Typography>
        </Box>
      ),
    },
    {
      title: 'Role',
      field: 'role',
      render: r => (
        <Box>
          <Typography variant="body2">{r.role === 'backend-plugin' ? 'plugin' : 'module'}{r.pluginId ? ` · ${r.pluginId}` : ''}</Typography>
          <Typography variant="caption" color="textSecondary">{r.origin}</Typography>
        </Box>
      ),
    },
    { title: 'Status', field: 'status', render: r => <StatusChip status={r.status} error={r.error} /> },
    { title: 'Config', field: 'config.state', render: r => <ConfigCell row={r} /> },
    { title: 'Health', field: 'health.state', render: r => <HealthCell health={r.health} /> },
    {
      title: 'Annotations',
      sorting: false,
      render: r =>
        r.annotations.length === 0 ? '–' : (
          <Box>
            {r.annotations.map(a => (
              <Typography key={a.annotation} variant="body2"><code>{a.annotation}</code>: {a.entities ?? '?'} entities</Typography>
            ))}
          </Box>
        ),
    },
    {
      title: 'Permissions',
      sorting: false,
      render: r => <PermissionsCell row={r} />,
    },
    {
      title: 'README',
      sorting: false,
      render: r => (r.hasReadme ? <Button size="small" variant="outlined" aria-label={`README of ${r.package}`} onClick={() => onReadme(r.package)}>Read</Button> : '–'),
    },
    ...(canManage
      ? [{ title: 'Manage', sorting: false, render: (r: InstalledBackendPackage) => <ManageButtons row={r} onDone={onChanged} /> }]
      : []),
  ];
  const counts = value.packages.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.status]: (acc[p.status] ?? 0) + 1 }), {});
  return (
    <Table<InstalledBackendPackage>
      title={`Backend: ${value.packages.length} packages (${counts.loaded ?? 0} loaded, ${counts.failed ?? 0} failed, ${counts.disabled ?? 0} disabled)`}
      subtitle={`${value.running.length} plugins running · checked ${new Date(value.generatedAt).toLocaleTimeString()}`}
      options={{ paging: false, search: true, padding: 'dense' }}
      columns={columns}
      data={value.packages}
      actions={[{ icon: () => <span>↻</span>, tooltip: 'Check again', isFreeAction: true, onClick: () => retry() }]}
    />
  );
}

function FrontendTab() {
  const tree = useApi(appTreeApiRef).getTree().tree;
  const rows = frontendFeatures(tree);
  const columns: TableColumn<FrontendFeatureRow>[] = [
    { title: 'Plugin', field: 'pluginId', render: r => <Typography variant="body2"><strong>{r.pluginId}</strong> {r.title !== r.pluginId ? `(${r.title})` : ''}</Typography> },
    {
      title: 'Status',
      render: r => <StatusChip status={r.active > 0 ? 'loaded' : 'disabled'} error={r.active > 0 ? undefined : 'none of its extensions is active'} />,
    },
    { title: 'Extensions', render: r => `${r.active} active of ${r.extensions}${r.disabled ? `, ${r.disabled} disabled` : ''}` },
    { title: 'Pages', render: r => r.pages.join(', ') || '–' },
    { title: 'Entity tabs', render: r => r.entityContent.join(', ') || '–' },
  ];
  return (
    <Table<FrontendFeatureRow>
      title={`Frontend: ${rows.length} plugins in this app`}
      subtitle="From the running app's extension tree"
      options={{ paging: false, search: true, padding: 'dense' }}
      columns={columns}
      data={rows}
    />
  );
}

type InstallResult = { package: string; ok: boolean; message: string; missingKeys?: string[]; startedAt?: number };

/** Admins: install (or update to) the latest version of an npm source's package. */
function InstallFromSource({ row, onResult }: { row: AvailablePackage; onResult: (r: InstallResult) => void }) {
  const api = useApi(pluginManagerApiRef);
  const [busy, setBusy] = useState(false);
  if (!row.installable || row.state === 'installed') return null;
  const label = row.state === 'update-available' ? 'Update' : 'Install';
  const run = async () => {
    const startedAt = Date.now();
    setBusy(true);
    try {
      const r = await api.installFromSource(row.package, row.latestVersion);
      onResult({ package: row.package, ok: true, message: `${row.package} ${r.version ?? ''} accepted.`, startedAt });
    } catch (e) {
      onResult({ package: row.package, ok: false, message: (e as Error).message, missingKeys: e instanceof BundleRejectedError ? e.missingKeys : undefined });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="small" variant="outlined" color="primary" disabled={busy} aria-label={`${label} ${row.package}`} onClick={run}>
      {busy ? 'Checking…' : label}
    </Button>
  );
}

function AvailableTab({ canManage, onChanged }: { canManage: boolean; onChanged: (startedAt: number) => void }) {
  const api = useApi(pluginManagerApiRef);
  const { value, loading, error } = useAsyncRetry(() => api.available(), [api]);
  // Kept here, not in the table's cells: the table re-creates its cells when the page reloads.
  const [installResult, setInstallResult] = useState<InstallResult | undefined>();
  const onResult = useCallback(
    (r: InstallResult) => {
      setInstallResult(r);
      if (r.ok) onChanged(r.startedAt ?? Date.now());
    },
    [onChanged],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const columns: TableColumn<AvailablePackage>[] = [
    {
      title: 'Package',
      field: 'package',
      render: r => (
        <Box>
          <Typography variant="body2"><strong>{r.package}</strong></Typography>
          <Typography variant="caption" color="textSecondary">{r.description}</Typography>
        </Box>
      ),
    },
    { title: 'Role', field: 'role' },
    { title: 'Latest', field: 'latestVersion' },
    { title: 'Installed', field: 'installedVersion', render: r => r.installedVersion ?? '–' },
    {
      title: 'State',
      field: 'state',
      render: r => (
        <Chip
          size="small"
          data-testid={`available-${r.state}`}
          label={{ 'not-installed': 'not installed', installed: 'installed', 'update-available': 'update available' }[r.state]}
          color={r.state === 'update-available' ? 'secondary' : 'default'}
        />
      ),
    },
    { title: 'Annotations', sorting: false, render: r => r.annotations.map(a => <div key={a}><code>{a}</code></div>) },
    { title: 'Source', field: 'source' },
    ...(canManage
      ? [{ title: 'Manage', sorting: false, render: (r: AvailablePackage) => <InstallFromSource row={r} onResult={onResult} /> }]
      : []),
  ];
  return (
    <Box>
      {installResult && (
        <Box mb={2} data-testid={installResult.ok ? 'source-install-ok' : 'source-install-error'}>
          <Typography variant="body2" color={installResult.ok ? 'primary' : 'error'}>{installResult.message}</Typography>
          {installResult.missingKeys && installResult.missingKeys.length > 0 && (
            <Box data-testid="source-install-missing-keys">
              <Typography variant="body2">Missing config keys:</Typography>
              {installResult.missingKeys.map(k => <Typography key={k} variant="body2"><code>{k}</code></Typography>)}
            </Box>
          )}
        </Box>
      )}
      {value?.sources
        .filter(s => !s.ok)
        .map(s => (
          <Typography key={s.name} color="error" variant="body2" gutterBottom>
            Source {s.name} failed: {s.error}
          </Typography>
        ))}
      {value && value.packages.length === 0 ? (
        <EmptyState missing="data" title="Nothing available" description="The configured plugin sources (pluginManager.sources) list no packages." />
      ) : (
        <Table<AvailablePackage>
          title={`Available: ${value?.packages.length ?? 0} packages`}
          subtitle={value?.sources.map(s => `${s.name} (${s.count})`).join(' · ')}
          options={{ paging: false, search: true, padding: 'dense' }}
          columns={columns}
          data={value?.packages ?? []}
        />
      )}
    </Box>
  );
}

/** Page "Plugins": what runs in this portal, from the running backend and app, and what is available. */
export function PluginsPage() {
  const api = useApi(pluginManagerApiRef);
  const [tab, setTab] = useState(0);
  const [readme, setReadme] = useState<string | undefined>();
  const [reload, setReload] = useState(0);
  const { allowed: canManage } = usePermission({ permission: pluginsManagePermission });
  const { value: changes } = useAsyncRetry(() => api.changes(), [api, reload]);
  const refresh = useCallback(() => setReload(n => n + 1), []);
  const { state: applyState, apply } = useApplyChanges(refresh);
  // Where something starts the backend again, a change goes live at once by a graceful restart.
  const restartAvailable = useRef(false);
  useEffect(() => {
    if (changes) restartAvailable.current = Boolean(changes.restartAvailable);
  }, [changes]);
  // The tables reload once the backend confirmed the change (not while it restarts).
  const onChanged = useCallback(
    (startedAt: number) => {
      if (restartAvailable.current) apply(startedAt);
      else refresh();
    },
    [refresh, apply],
  );
  return (
    <Page themeId="tool">
      <Header title="Plugins" subtitle="What runs in this portal, whether it is healthy, and what the plugin sources offer" />
      <Content>
        {applyState && <ApplyProgress state={applyState} />}
        {!applyState && <ChangesBanner changes={changes} canManage={canManage} onApply={() => apply()} />}
        {canManage && <UploadBundle onDone={onChanged} />}
        <Tabs value={tab} onChange={(_e, v) => setTab(v)} indicatorColor="primary">
          <Tab label="Backend" />
          <Tab label="Frontend" />
          <Tab label="Available" />
        </Tabs>
        <Box mt={2}>
          {tab === 0 && <InstalledTab onReadme={setReadme} canManage={canManage} reload={reload} onChanged={onChanged} />}
          {tab === 1 && <FrontendTab />}
          {tab === 2 && <AvailableTab canManage={canManage} onChanged={onChanged} />}
        </Box>
        <ReadmeDrawer packageName={readme} onClose={() => setReadme(undefined)} />
      </Content>
    </Page>
  );
}
