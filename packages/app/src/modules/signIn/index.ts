import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

const exampleUserSignInPage = SignInPageBlueprint.make({
  params: {
    loader: () => import('./ExampleUserSignInPage').then(m => m.ExampleUserSignInPage),
  },
});

/** Replaces the app's default (guest-only) sign-in page. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [exampleUserSignInPage],
});
