/** Entity tab "Secrets": per-environment secrets with reveal, history, export and audit. */
export { secretsPlugin as default } from './plugin';
export { secretsApiRef, SecretsClient, type SecretsApi } from './api/SecretsClient';
