import { createBackend } from '@backstage/backend-defaults';
import {
  configPathsFromArgv,
  describeMissingEnvVars,
  findMissingEnvVars,
} from './requiredEnv';
import { dynamicPlugins, dynamicPluginsStartFailed } from './dynamic/dynamicPlugins';

const missingEnv = findMissingEnvVars(configPathsFromArgv(process.argv), process.env);
if (missingEnv.length > 0) {
  process.stderr.write(`${describeMissingEnvVars(missingEnv)}\n`);
  process.exit(1);
}

const backend = createBackend();

// Dynamic plugins: bundles in dynamicPlugins.rootDirectory, loaded at start (docs/dynamic-plugins.md).
backend.add(dynamicPlugins);

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Development only: sign in as any example user (ignored in production).
backend.add(import('@stacktalk/plugin-auth-backend-module-example-users-provider'));
// Keycloak through keycloak-js in the app: verifies the realm's access tokens (production).
backend.add(import('@stacktalk/plugin-auth-backend-module-keycloak-js-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));
// Users and groups from the Keycloak realm (production); does nothing unless catalog.providers.keycloakOrg is set.
backend.add(import('@backstage-community/plugin-catalog-backend-module-keycloak'));
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@stacktalk/plugin-permission-backend-module-stacktalk-policy'));

backend.add(import('@backstage/plugin-techdocs-backend'));
// `dir:` sites are rebuilt only when their sources change (no "newer version" banner otherwise).
backend.add(import('@stacktalk/plugin-techdocs-warmup-backend/content-etag'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));
// Each TechDocs page indexed once; on SQLite every word of a query required (no fuzzy noise).
backend.add(import('@stacktalk/plugin-search-backend-module-stacktalk'));

backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@stacktalk/plugin-portal-status-backend'));
// The Plugins page: what runs in this backend, its config, health, annotations and permissions.
backend.add(import('@stacktalk/plugin-plugin-manager-backend'));
backend.add(import('@stacktalk/plugin-techdocs-warmup-backend'));
backend.add(import('@stacktalk/plugin-stream-viewer-backend'));
backend.add(import('@stacktalk/plugin-reports-backend'));
backend.add(import('@stacktalk/plugin-secrets-backend'));
// The secrets plugin's section in reports (counts and missing names, never values).
backend.add(import('@stacktalk/plugin-secrets-backend/reports'));
// The stream viewer's section in reports (message rates of the entity's topics and streams).
backend.add(import('@stacktalk/plugin-stream-viewer-backend/reports'));
backend.add(import('@stacktalk/plugin-ci-status-backend'));
// The CI section in reports (the watched branch, success rate, durations, the last runs).
backend.add(import('@stacktalk/plugin-ci-status-backend/reports'));
// Excel-DNA add-in builds (GitHub artifacts through the CI status plugin's GitHub access, CI uploads).
backend.add(import('@stacktalk/plugin-exceldna-backend'));
// The Excel add-in section in reports (the latest build's release readiness).
backend.add(import('@stacktalk/plugin-exceldna-backend/reports'));

backend.start().catch(error => {
  // A plugin failed to start: logged, recorded for the dynamic plugin rollback, exit 1 (as an
  // unhandled rejection would) for the supervisor or Kubernetes to start it again.
  process.stderr.write(`${error?.stack ?? error}\n`);
  dynamicPluginsStartFailed(error);
  process.exit(1);
});
