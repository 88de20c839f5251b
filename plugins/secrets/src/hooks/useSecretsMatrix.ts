import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { secretsApiRef } from '../api/SecretsClient';

/** The entity's secrets matrix; `retry` reloads it after a change. */
export function useSecretsMatrix(entityRef: string) {
  const api = useApi(secretsApiRef);
  return useAsyncRetry(() => api.matrix(entityRef), [api, entityRef]);
}
