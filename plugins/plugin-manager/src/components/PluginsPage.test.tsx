import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import type { AvailableResponse, InstalledResponse } from '@stacktalk/plugin-plugin-manager-common';
import { pluginManagerApiRef, type PluginManagerApi } from '../api/PluginManagerClient';
import { PluginsPage } from './PluginsPage';

const installed: InstalledResponse = {
  generatedAt: '2026-12-04T12:00:00Z',
  running: [{ pluginId: 'plugin-manager', modules: [] }],
  packages: [
    {
      package: '@stacktalk/plugin-plugin-manager-backend',
      version: '0.1.0',
      role: 'backend-plugin',
      origin: 'static',
      pluginId: 'plugin-manager',
      status: 'loaded',
      config: { state: 'complete', missingKeys: [], errors: [] },
      health: { checked: 'GET /api/plugin-manager/.backstage/auth/v1/jwks.json', state: 'answering', httpStatus: 200 },
      annotations: [],
      permissions: [{ name: 'plugins.read', type: 'basic', action: 'read' }],
      hasReadme: true,
    },
    {
      package: '@acme/plugin-weather-backend-dynamic',
      version: '1.2.0',
      role: 'backend-plugin',
      origin: 'dynamic',
      pluginId: 'weather',
      status: 'failed',
      error: 'plugin weather is not running',
      config: { state: 'missing', missingKeys: ['weather.apiKey'], errors: [] },
      annotations: [{ annotation: 'acme.io/weather-station', entities: 2 }],
      permissions: [],
      hasReadme: false,
    },
  ],
};

const available: AvailableResponse = {
  packages: [
    { package: '@stacktalk/plugin-new-backend', latestVersion: '1.0.0', state: 'not-installed', annotations: [], source: 'npm' },
    { package: '@stacktalk/plugin-plugin-manager-backend', latestVersion: '0.2.0', installedVersion: '0.1.0', state: 'update-available', annotations: [], source: 'npm' },
  ],
  sources: [
    { name: 'npm', ok: true, count: 2 },
    { name: 'folder', ok: false, error: 'folder /x does not exist', count: 0 },
  ],
};

function render(api: Partial<PluginManagerApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[pluginManagerApiRef, api]]}>
      <PluginsPage />
    </TestApiProvider>,
  );
}

describe('PluginsPage', () => {
  it('shows installed backend packages with status, missing config keys, health, annotations and permissions', async () => {
    await render({ installed: async () => installed });
    expect(await screen.findByText(/Backend: 2 packages \(1 loaded, 1 failed, 0 disabled\)/)).toBeInTheDocument();
    expect(screen.getByTestId('status-loaded')).toBeInTheDocument();
    expect(screen.getByTestId('status-failed')).toBeInTheDocument();
    expect(within(screen.getByTestId('config-missing')).getByText('weather.apiKey')).toBeInTheDocument();
    expect(screen.getByText('answering')).toBeInTheDocument();
    expect(screen.getByText('plugins.read')).toBeInTheDocument();
    expect(screen.getByText(/: 2 entities/)).toBeInTheDocument();
  });

  it('opens a README in a drawer, rendered from markdown', async () => {
    const readme = jest.fn(async () => '# Plugin manager\n\nSee **everything**.');
    await render({ installed: async () => installed, readme });
    fireEvent.click(await screen.findByRole('button', { name: 'README of @stacktalk/plugin-plugin-manager-backend' }));
    const drawer = await screen.findByTestId('readme-drawer');
    expect(await within(drawer).findByRole('heading', { name: 'Plugin manager' })).toBeInTheDocument();
    expect(within(drawer).getByText('everything').tagName).toBe('STRONG');
    expect(readme).toHaveBeenCalledWith('@stacktalk/plugin-plugin-manager-backend');
  });

  it('shows the backend error (403) instead of a table', async () => {
    const response = new Response(JSON.stringify({ error: { name: 'NotAllowedError', message: 'You are not allowed to see the installed plugins' } }), {
      status: 403,
      statusText: 'Forbidden',
      headers: { 'content-type': 'application/json' },
    });
    const error = await ResponseError.fromResponse(response as any);
    await render({ installed: async () => Promise.reject(error) });
    expect((await screen.findAllByText(/403 Forbidden.*not allowed to see the installed plugins/)).length).toBeGreaterThan(0);
    expect(screen.queryByText(/Backend: /)).not.toBeInTheDocument();
  });

  it('lists available packages with update available and names a failing source', async () => {
    await render({ installed: async () => installed, available: async () => available });
    fireEvent.click(await screen.findByRole('tab', { name: 'Available' }));
    expect(await screen.findByTestId('available-update-available')).toHaveTextContent('update available');
    expect(screen.getByTestId('available-not-installed')).toHaveTextContent('not installed');
    expect(screen.getByText(/Source folder failed: folder \/x does not exist/)).toBeInTheDocument();
  });
});
