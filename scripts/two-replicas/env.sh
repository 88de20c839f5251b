# TEST ONLY: the environment app-config.production.yaml requires, with local values (PostgreSQL
# and Redis of this machine, throwaway tokens and key). Sourced by scripts/bench-backend.sh.
export NODE_ENV=production
export APP_BASE_URL=http://127.0.0.1:7100 BACKEND_BASE_URL=http://127.0.0.1:7100
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=5432 POSTGRES_USER=postgres POSTGRES_PASSWORD=unused
export REDIS_URL=redis://127.0.0.1:6379
export BACKEND_API_TOKEN=test-api-token-0123456789abcdef SECRETS_EXPORT_TOKEN=test-export-token-0123456789abcdef
export SECRETS_KEY_ID=kek-test SECRETS_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=
export GITHUB_TOKEN=test-github-token CI_STATUS_WEBHOOK_SECRET=test-webhook-secret
export DOKS_CLUSTER_NAME=fixture DOKS_CLUSTER_URL=http://127.0.0.1:7080 DOKS_CA_DATA=none DOKS_SERVICE_ACCOUNT_TOKEN=x
export KEYCLOAK_URL=http://127.0.0.1:7199 KEYCLOAK_REALM=stacktalk KEYCLOAK_CLIENT_ID=portal
# The Keycloak org provider finds no Keycloak here: its scheduled read logs an error, nothing else.
export KEYCLOAK_CATALOG_CLIENT_ID=stacktalk-portal-catalog KEYCLOAK_CATALOG_CLIENT_SECRET=unused
