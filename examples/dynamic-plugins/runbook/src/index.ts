/** Entity tab "Runbook", served by @stacktalk-examples/plugin-runbook-backend. */
export { runbookPlugin as default } from './plugin';
