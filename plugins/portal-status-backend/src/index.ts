export { portalStatusPlugin as default } from './plugin';
export { portalStatusReadPermission } from './permissions';
export type { FeatureStatus } from './service/FeatureProbe';
