// `backend.add(import('@stacktalk/plugin-techdocs-warmup-backend/content-etag'))`
export { techdocsModuleContentEtag as default } from './module';
