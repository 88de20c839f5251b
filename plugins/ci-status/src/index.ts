/** Entity tab "CI", overview card and the "CI health" page, served by @stacktalk/plugin-ci-status-backend. */
export { ciStatusPlugin as default } from './plugin';
export { ciStatusApiRef, CiStatusClient, type CiStatusApi } from './api/CiStatusClient';
