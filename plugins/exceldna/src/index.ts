/** Entity tab "Excel add-in" and overview card, served by @stacktalk/plugin-exceldna-backend. */
export { exceldnaPlugin as default } from './plugin';
export { exceldnaApiRef, ExceldnaClient, type ExceldnaApi } from './api/ExceldnaClient';
