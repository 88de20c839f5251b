/** Entity tab and page "Reports": generate, watch, preview and download PDF reports. */
export { reportsPlugin as default } from './plugin';
export { reportsApiRef, ReportsClient, type ReportsApi } from './api/ReportsClient';
