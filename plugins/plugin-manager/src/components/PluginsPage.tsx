import { useState } from 'react';
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
import { Box, Button, Chip, Drawer, IconButton, Tab, Tabs, Tooltip, Typography } from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type {
  AvailablePackage,
  HealthCheck,
  InstalledBackendPackage,
  PluginStatus,
} from '@stacktalk/plugin-plugin-manager-common';
import { pluginManagerApiRef } from '../api/PluginManagerClient';
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

function InstalledTab({ onReadme }: { onReadme: (name: string) => void }) {
  const api = useApi(pluginManagerApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.installed(), [api]);
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

function AvailableTab() {
  const api = useApi(pluginManagerApiRef);
  const { value, loading, error } = useAsyncRetry(() => api.available(), [api]);
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
  ];
  return (
    <Box>
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
  const [tab, setTab] = useState(0);
  const [readme, setReadme] = useState<string | undefined>();
  return (
    <Page themeId="tool">
      <Header title="Plugins" subtitle="What runs in this portal, whether it is healthy, and what the plugin sources offer" />
      <Content>
        <Tabs value={tab} onChange={(_e, v) => setTab(v)} indicatorColor="primary">
          <Tab label="Backend" />
          <Tab label="Frontend" />
          <Tab label="Available" />
        </Tabs>
        <Box mt={2}>
          {tab === 0 && <InstalledTab onReadme={setReadme} />}
          {tab === 1 && <FrontendTab />}
          {tab === 2 && <AvailableTab />}
        </Box>
        <ReadmeDrawer packageName={readme} onClose={() => setReadme(undefined)} />
      </Content>
    </Page>
  );
}
