import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MockPermissionApi, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SWRConfig } from 'swr';
import { ResponseError } from '@backstage/errors';
import type { AvailableResponse, InstalledResponse } from '@stacktalk/plugin-plugin-manager-common';
import { BundleRejectedError, pluginManagerApiRef, type ChangesResponse, type PluginManagerApi } from '../api/PluginManagerClient';
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

const noChanges: ChangesResponse = { restartNeeded: false, changes: [] };

let permissionDecisions: Array<Promise<unknown>> = [];

/** The permission API answers like the portal policy: plugins.manage only for an admin. */
function render(api: Partial<PluginManagerApi>, { admin = false } = {}) {
  const mock = new MockPermissionApi(request =>
    request.permission.name === 'plugins.manage' && !admin ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
  );
  permissionDecisions = [];
  const permissionApi = {
    authorize: (request: any) => {
      const decision = mock.authorize(request);
      permissionDecisions.push(decision);
      return decision;
    },
  };
  // usePermission caches answers in SWR's global cache: a fresh cache per test, so each test
  // gets its own permission answer.
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider apis={[[pluginManagerApiRef, { changes: async () => noChanges, ...api }], [permissionApiRef, permissionApi]]}>
        <PluginsPage />
      </TestApiProvider>
    </SWRConfig>,
  );
}

// The machine running the tests is shared and slow: a generous cap per test (not a measurement).
jest.setTimeout(30_000);

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

  it('shows a non-admin no install, disable or remove controls', async () => {
    await render({ installed: async () => installed, changes: async () => noChanges });
    expect(await screen.findByText(/Backend: 2 packages/)).toBeInTheDocument();
    // The page has its answer to plugins.manage (DENY) before the controls are looked for.
    await waitFor(() => expect(permissionDecisions.length).toBeGreaterThan(0));
    await act(async () => {
      await Promise.all(permissionDecisions);
    });
    expect(screen.queryByTestId('upload-bundle')).not.toBeInTheDocument();
    expect(screen.queryByText('Install a plugin bundle')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Disable|Enable|Remove) / })).not.toBeInTheDocument();
    expect(screen.queryByText('Manage')).not.toBeInTheDocument();
  });

  it('lets an admin upload a bundle with its integrity and shows the missing config keys of a refused one', async () => {
    const uploadBundle = jest.fn(async () => {
      throw new BundleRejectedError('@acme/plugin-weather-backend 1.0.0 was not installed: missing config key weather.apiKey', ['weather.apiKey'], []);
    });
    await render({ installed: async () => installed, uploadBundle }, { admin: true });
    expect(await screen.findByText(/Backend: 2 packages/)).toBeInTheDocument();
    expect(await screen.findByText('Install a plugin bundle')).toBeInTheDocument();
    const install = screen.getByRole('button', { name: 'Install' });
    expect(install).toBeDisabled();
    const file = new File([new Uint8Array([31, 139, 8])], 'weather.tgz', { type: 'application/gzip' });
    fireEvent.change(screen.getByLabelText('Bundle file'), { target: { files: [file] } });
    fireEvent.change(screen.getByLabelText('Integrity'), { target: { value: ' sha512-abc ' } });
    fireEvent.click(install);
    const missing = await screen.findByTestId('install-missing-keys');
    expect(within(missing).getByText('weather.apiKey')).toBeInTheDocument();
    expect(screen.getByTestId('install-error')).toHaveTextContent(/was not installed/);
    expect(uploadBundle).toHaveBeenCalledWith(file, 'sha512-abc');
  });

  it('lets an admin disable a dynamic plugin (not a static one) and then shows that a restart is needed', async () => {
    let changes: ChangesResponse = noChanges;
    const manage = jest.fn(async (name: string, action: 'disable' | 'enable' | 'remove') => {
      changes = { restartNeeded: true, changes: [{ package: name, action, at: '2026-12-04T12:01:00Z', by: 'user:default/admin' }] };
      return { package: name, ...changes };
    });
    await render({ installed: async () => installed, manage, changes: async () => changes }, { admin: true });
    expect(await screen.findByText(/Backend: 2 packages/)).toBeInTheDocument();
    expect(screen.queryByTestId('restart-banner')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Disable @stacktalk/plugin-plugin-manager-backend' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove @acme/plugin-weather-backend-dynamic' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Disable @acme/plugin-weather-backend-dynamic' }));
    const banner = await screen.findByTestId('restart-banner');
    expect(banner).toHaveTextContent(/Restart needed/);
    expect(banner).toHaveTextContent(/disable @acme\/plugin-weather-backend-dynamic by user:default\/admin/);
    expect(manage).toHaveBeenCalledWith('@acme/plugin-weather-backend-dynamic', 'disable');
  });

  it('lets an admin install an installable package of a source from the Available tab; one not installable gets no button', async () => {
    const installable: AvailableResponse = {
      packages: [
        { ...available.packages[0], installable: true },
        { ...available.packages[1], installable: false },
      ],
      sources: available.sources,
    };
    const installFromSource = jest.fn(async (name: string, version?: string) => ({ package: name, version, restartNeeded: true, changes: [] }));
    await render({ installed: async () => installed, available: async () => installable, installFromSource }, { admin: true });
    fireEvent.click(await screen.findByRole('tab', { name: 'Available' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Install @stacktalk/plugin-new-backend' }));
    expect(await screen.findByTestId('source-install-ok')).toHaveTextContent('@stacktalk/plugin-new-backend 1.0.0 accepted.');
    expect(installFromSource).toHaveBeenCalledWith('@stacktalk/plugin-new-backend', '1.0.0');
    expect(screen.queryByRole('button', { name: /Update @stacktalk\/plugin-plugin-manager-backend/ })).not.toBeInTheDocument();
  });

  describe('where something starts the backend again, a change goes live at once', () => {
    const change = { package: '@acme/plugin-weather-backend-dynamic', action: 'disable' as const, at: '2026-12-04T12:01:00Z', by: 'user:default/admin' };
    const oldBoot = { id: 'boot-1', startedAt: '2026-12-04T12:00:00Z' };
    const newBoot = { id: 'boot-2', startedAt: '2026-12-04T12:02:00Z' };

    /** /changes through a restart: the old process, then no answer, then the new one before and after it confirms. */
    function restartingBackend(result: 'live' | 'rolled-back') {
      const answers: Array<() => ChangesResponse> = [
        () => ({ restartNeeded: false, changes: [], restartAvailable: true, boot: oldBoot }),
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => ({ restartNeeded: false, changes: [], restartAvailable: true, boot: newBoot, applying: { id: 'apply-1', changes: [change], requestedAt: '', starts: 1 } }),
        () => ({
          restartNeeded: false,
          changes: [],
          restartAvailable: true,
          boot: newBoot,
          history: [
            {
              id: 'apply-1',
              changes: [change],
              requestedAt: '',
              finishedAt: '2026-12-04T12:02:30Z',
              result,
              error: result === 'rolled-back' ? "Plugin 'weather' startup failed; caused by Error: no station" : undefined,
              plugins: [{ package: change.package, pluginId: 'weather', answering: result === 'live' }],
            },
          ],
        }),
      ];
      let restarted = false;
      let polls = 0;
      return {
        restart: jest.fn(async () => {
          restarted = true;
          return { restarting: true, applyId: 'apply-1', changes: [change], boot: oldBoot };
        }),
        changes: jest.fn(async () => {
          if (!restarted) return { restartNeeded: false, changes: [], restartAvailable: true, boot: oldBoot };
          const answer = answers[Math.min(polls++, answers.length - 1)];
          return answer();
        }),
      };
    }

    it('disabling a plugin restarts the backend and follows it: stopping, starting, then live with what answers', async () => {
      const backend = restartingBackend('live');
      const manage = jest.fn(async () => ({ package: change.package, restartNeeded: true, changes: [change] }));
      await render({ installed: async () => installed, manage, ...backend }, { admin: true });
      fireEvent.click(await screen.findByRole('button', { name: `Disable ${change.package}` }));
      const progress = await screen.findByTestId('apply-progress');
      expect(backend.restart).toHaveBeenCalledTimes(1);
      await waitFor(() => expect(progress).toHaveAttribute('data-phase', 'starting'), { timeout: 10_000 });
      expect(await screen.findByTestId('apply-live', {}, { timeout: 10_000 })).toHaveTextContent(/Live after [\d.]+ s\. @acme\/plugin-weather-backend-dynamic \(weather\): answering/);
      expect(screen.getByRole('button', { name: 'Reload the page' })).toBeInTheDocument();
    });

    it('with two replicas, follows the second one catching up after the first went live', async () => {
      const backend = restartingBackend('live');
      const replica = (id: string, current: boolean, restarting = false) => ({ id, bootId: `${id}-boot`, startedAt: '', seenAt: '', current, restarting });
      const polls = backend.changes.getMockImplementation()!;
      let afterLive = 0;
      backend.changes.mockImplementation(async () => {
        const answer = await polls();
        if (!answer.history?.length) return answer;
        afterLive += 1;
        return { ...answer, replicas: afterLive < 3 ? [replica('a:7007', true), replica('b:7007', false, true)] : [replica('a:7007', true), replica('b:7007', true)] };
      });
      const manage = jest.fn(async () => ({ package: change.package, restartNeeded: true, changes: [change] }));
      await render({ installed: async () => installed, manage, ...backend }, { admin: true });
      fireEvent.click(await screen.findByRole('button', { name: `Disable ${change.package}` }));
      expect(await screen.findByTestId('apply-replicas', {}, { timeout: 10_000 })).toHaveTextContent('Replicas on the new set: 1 of 2 (the others restart one at a time: a:7007 current, b:7007 restarting)');
      await waitFor(() => expect(screen.getByTestId('apply-replicas')).toHaveTextContent('Replicas on the new set: 2 of 2 (a:7007 current, b:7007 current)'), { timeout: 15_000 });
    });

    it('a change the backend rolled back shows the error, and the page does not claim it is live', async () => {
      const backend = restartingBackend('rolled-back');
      const manage = jest.fn(async () => ({ package: change.package, restartNeeded: true, changes: [change] }));
      await render({ installed: async () => installed, manage, ...backend }, { admin: true });
      fireEvent.click(await screen.findByRole('button', { name: `Disable ${change.package}` }));
      expect(await screen.findByTestId('apply-error', {}, { timeout: 10_000 })).toHaveTextContent("Plugin 'weather' startup failed; caused by Error: no station");
      expect(screen.getByTestId('apply-progress')).toHaveAttribute('data-phase', 'rolled-back');
      expect(screen.queryByTestId('apply-live')).not.toBeInTheDocument();
    });

    it('without anything to start the backend again, a change waits in the Restart needed banner (no restart)', async () => {
      const restart = jest.fn();
      let changed = false;
      const manage = async () => {
        changed = true;
        return { package: change.package, restartNeeded: true, changes: [change] };
      };
      const changes = jest.fn(async () => (changed ? { restartNeeded: true, changes: [change], restartAvailable: false } : noChanges));
      await render({ installed: async () => installed, manage, changes, restart }, { admin: true });
      fireEvent.click(await screen.findByRole('button', { name: `Disable ${change.package}` }));
      expect(await screen.findByTestId('restart-banner')).toHaveTextContent('disable @acme/plugin-weather-backend-dynamic');
      expect(screen.queryByTestId('apply-progress')).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: /Apply now/ })).not.toBeInTheDocument();
      expect(restart).not.toHaveBeenCalled();
    });
  });
});
