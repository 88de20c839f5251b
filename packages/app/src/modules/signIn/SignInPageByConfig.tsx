import { lazy, Suspense } from 'react';
import { Progress } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';

const KeycloakSignInPage = lazy(() => import('./keycloak/KeycloakSignInPage').then(m => ({ default: m.KeycloakSignInPage })));
const ExampleUserSignInPage = lazy(() => import('./ExampleUserSignInPage').then(m => ({ default: m.ExampleUserSignInPage })));

/** Keycloak's sign-in page when auth.keycloak is configured (production), else the development one. */
export function SignInPageByConfig(props: SignInPageProps) {
  const keycloak = useApi(configApiRef).has('auth.keycloak');
  return (
    <Suspense fallback={<Progress />}>
      {keycloak ? <KeycloakSignInPage {...props} /> : <ExampleUserSignInPage {...props} />}
    </Suspense>
  );
}
