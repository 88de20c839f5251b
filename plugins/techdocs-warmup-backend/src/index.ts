export { techdocsWarmupPlugin as default } from './plugin';
