import { createFrontendModule, createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { fetchDynamicRemotes, remoteModuleId, type DynamicRemote } from './remotes';
import { isFrontendFeature, loadDynamicFeatures } from './loader';

const remote = (name: string, exposedModules = ['.']): DynamicRemote => ({
  packageName: `@example/${name}`,
  remoteInfo: { name: name.replace(/-/g, '_'), entry: `http://backend/.backstage/dynamic-features/remotes/@example/${name}/mf-manifest.json` },
  exposedModules,
});

/** A fetch answering one status and body, recording the URLs asked. */
function answering(status: number, body: unknown) {
  const urls: string[] = [];
  const fetchFn = (async (url: string) => {
    urls.push(url);
    return { status, ok: status >= 200 && status < 300, statusText: `status ${status}`, json: async () => body };
  }) as unknown as typeof fetch;
  return { fetchFn, urls };
}

const silent = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

describe('fetchDynamicRemotes', () => {
  it("asks the backend's dynamic feature service and keeps well-formed entries", async () => {
    const good = remote('ci-status');
    const { fetchFn, urls } = answering(200, [good, { packageName: 'broken' }]);
    const invalid: unknown[] = [];
    const remotes = await fetchDynamicRemotes({ backendBaseUrl: 'http://backend:7007/', fetch: fetchFn, onInvalid: e => invalid.push(e) });
    expect(urls).toEqual(['http://backend:7007/.backstage/dynamic-features/remotes']);
    expect(remotes).toEqual([good]);
    expect(invalid).toEqual([{ packageName: 'broken' }]);
  });

  it('gives no remotes when the backend has no dynamic feature service (404)', async () => {
    const { fetchFn } = answering(404, { error: 'not found' });
    await expect(fetchDynamicRemotes({ backendBaseUrl: 'http://backend', fetch: fetchFn })).resolves.toEqual([]);
  });

  it('fails on any other error or a body that is not a list', async () => {
    await expect(fetchDynamicRemotes({ backendBaseUrl: 'http://b', fetch: answering(500, {}).fetchFn })).rejects.toThrow(/500/);
    await expect(fetchDynamicRemotes({ backendBaseUrl: 'http://b', fetch: answering(200, { remotes: [] }).fetchFn })).rejects.toThrow(/not answer a list/);
  });
});

describe('remoteModuleId', () => {
  it('names the main entry by the remote and a subpath below it', () => {
    expect(remoteModuleId(remote('ci-status'), '.')).toBe('ci_status');
    expect(remoteModuleId(remote('ci-status'), './alpha')).toBe('ci_status/alpha');
  });
});

describe('loadDynamicFeatures', () => {
  const plugin = createFrontendPlugin({ pluginId: 'dynamic-example' });
  const module = createFrontendModule({ pluginId: 'catalog', extensions: [] });

  it('returns the frontend plugins and modules the remotes expose, skipping other exports and failures', async () => {
    const modules: Record<string, unknown> = {
      plugin_a: { default: plugin },
      'plugin_a/alpha': { default: module },
      not_a_feature: { default: { hello: 'world' } },
    };
    const asked: string[] = [];
    const features = await loadDynamicFeatures(
      [remote('plugin-a', ['.', './alpha']), remote('not-a-feature'), remote('unreachable')],
      async () => async id => {
        asked.push(id);
        if (!(id in modules)) throw new Error(`no remote ${id}`);
        return modules[id];
      },
      silent,
    );
    expect(features).toEqual([plugin, module]);
    expect(asked).toEqual(['plugin_a', 'plugin_a/alpha', 'not_a_feature', 'unreachable']);
    expect(silent.warn).toHaveBeenCalledWith(expect.stringContaining('not_a_feature'));
    expect(silent.error).toHaveBeenCalledWith(expect.stringContaining('no remote unreachable'));
  });

  it('does not start the module federation runtime without remotes', async () => {
    const runtime = jest.fn();
    expect(await loadDynamicFeatures([], runtime, silent)).toEqual([]);
    expect(runtime).not.toHaveBeenCalled();
  });

  it('recognises plugins and modules of the new frontend system only', () => {
    expect(isFrontendFeature(plugin)).toBe(true);
    expect(isFrontendFeature(module)).toBe(true);
    expect(isFrontendFeature({ $$type: '@backstage/BackendFeature' })).toBe(false);
    expect(isFrontendFeature(undefined)).toBe(false);
  });
});
