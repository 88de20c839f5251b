import {
  createFrontendFeatureLoader,
  type FrontendFeature,
  type FrontendFeatureLoader,
} from '@backstage/frontend-plugin-api';
import { createInstance } from '@module-federation/enhanced/runtime';
import { loadModuleFederationHostShared } from '@backstage/module-federation-common';
import { fetchDynamicRemotes, remoteModuleId, type DynamicRemote } from './remotes';

/** Loads one exposed module of a remote (the module federation runtime's `loadRemote`). */
export type RemoteModuleLoader = (remotes: DynamicRemote[]) => Promise<(moduleId: string) => Promise<unknown>>;

export interface DynamicFrontendFeaturesOptions {
  /** Defaults to the browser's fetch. The remotes list is public (no sign-in yet at app start). */
  fetch?: typeof fetch;
  /** Where problems go (a broken remote is skipped, the app still starts). Defaults to console. */
  logger?: Pick<Console, 'info' | 'warn' | 'error'>;
  /** Replaces the module federation runtime (tests). */
  loadRemoteModules?: RemoteModuleLoader;
}

/** Plugins and modules of the new frontend system carry these markers on their default export. */
const FEATURE_TYPES = new Set(['@backstage/FrontendPlugin', '@backstage/FrontendModule']);

export function isFrontendFeature(value: unknown): value is FrontendFeature {
  return (
    typeof value === 'object' &&
    value !== null &&
    FEATURE_TYPES.has((value as { $$type?: unknown }).$$type as string)
  );
}

/**
 * The module federation runtime, sharing the host app's singletons (react, react-dom,
 * react-router, MUI styles, emotion): `backstage-cli package build` of an app publishes them on
 * `window` for this purpose, and remotes built with `--module-federation` expect them.
 */
const moduleFederationRuntime: RemoteModuleLoader = async remotes => {
  const shared = await loadModuleFederationHostShared();
  const instance = createInstance({
    name: 'stacktalk_dynamic_host',
    shared,
    remotes: remotes.map(r => ({ ...r.remoteInfo, alias: r.packageName })),
  });
  return moduleId => instance.loadRemote(moduleId);
};

/**
 * The default export of every exposed module of every remote that is a frontend plugin or
 * module. A remote that fails to load is logged and skipped.
 */
export async function loadDynamicFeatures(
  remotes: DynamicRemote[],
  loadRemoteModules: RemoteModuleLoader,
  logger: Pick<Console, 'info' | 'warn' | 'error'>,
): Promise<FrontendFeature[]> {
  if (remotes.length === 0) return [];
  const load = await loadRemoteModules(remotes);
  const features: FrontendFeature[] = [];
  for (const remote of remotes) {
    for (const exposed of remote.exposedModules) {
      const id = remoteModuleId(remote, exposed);
      try {
        const module = (await load(id)) as { default?: unknown } | undefined;
        if (isFrontendFeature(module?.default)) {
          features.push(module!.default);
          logger.info(`dynamic frontend feature ${id} loaded from ${remote.remoteInfo.entry}`);
        } else {
          logger.warn(`dynamic module ${id} of ${remote.packageName}: its default export is not a frontend plugin or module; skipped`);
        }
      } catch (error) {
        logger.error(`dynamic module ${id} of ${remote.packageName} could not be loaded from ${remote.remoteInfo.entry}: ${error}`);
      }
    }
  }
  return features;
}

/**
 * A feature loader for `createApp({ features: [...] })`: at app start, asks the backend
 * (`backend.baseUrl`) which dynamic frontend plugins it serves and returns their features.
 * A backend without the dynamic feature service, or any failure, gives no features.
 */
export function dynamicFrontendFeatures(options: DynamicFrontendFeaturesOptions = {}): FrontendFeatureLoader {
  // eslint-disable-next-line no-console
  const logger = options.logger ?? console;
  return createFrontendFeatureLoader({
    async loader({ config }) {
      let remotes: DynamicRemote[];
      try {
        remotes = await fetchDynamicRemotes({
          backendBaseUrl: config.getString('backend.baseUrl'),
          fetch: options.fetch ?? ((...args) => globalThis.fetch(...args)),
          onInvalid: entry => logger.warn(`dynamic remote of unexpected shape skipped: ${JSON.stringify(entry)}`),
        });
      } catch (error) {
        logger.error(`dynamic frontend plugins not loaded: ${error}`);
        return [];
      }
      try {
        return await loadDynamicFeatures(remotes, options.loadRemoteModules ?? moduleFederationRuntime, logger);
      } catch (error) {
        logger.error(`dynamic frontend plugins not loaded: ${error}`);
        return [];
      }
    },
  });
}
