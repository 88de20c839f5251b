export { techdocsWarmupPlugin as default } from './plugin';
export { techdocsModuleContentEtag } from './module';
