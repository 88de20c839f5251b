import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: () => import('./SignInPageByConfig').then(m => m.SignInPageByConfig),
  },
});

/**
 * Replaces the app's default (guest-only) sign-in page: Keycloak's when auth.keycloak is
 * configured, else the development page listing the example users.
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
