import { discoveryApiRef, useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';

export interface ExampleUser {
  name: string;
  entityRef: string;
  displayName: string;
  groups: { entityRef: string; title: string; description?: string }[];
}

export interface ExampleUsers {
  defaultUserRef?: string;
  users: ExampleUser[];
}

/**
 * The example users the development sign-in provider offers, or undefined when the backend has
 * no such provider (production): the page then is the stock guest sign-in page.
 */
export function useExampleUsers() {
  const discoveryApi = useApi(discoveryApiRef);
  return useAsync(async (): Promise<ExampleUsers | undefined> => {
    const response = await fetch(`${await discoveryApi.getBaseUrl('auth')}/example-users`);
    if (!response.ok) return undefined;
    return (await response.json()) as ExampleUsers;
  }, [discoveryApi]);
}
