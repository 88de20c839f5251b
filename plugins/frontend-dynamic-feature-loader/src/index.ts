/**
 * Dynamic frontend plugins for apps of the new frontend system: the plugins and modules served
 * as module federation remotes by `@backstage/backend-dynamic-feature-service`.
 */
export { dynamicFrontendFeatures, loadDynamicFeatures, isFrontendFeature } from './loader';
export type { DynamicFrontendFeaturesOptions, RemoteModuleLoader } from './loader';
export { fetchDynamicRemotes, remoteModuleId, REMOTES_PATH } from './remotes';
export type { DynamicRemote } from './remotes';
