import { render, screen } from '@testing-library/react';
import { TestApiProvider, mockApis } from '@backstage/frontend-test-utils';
import { configApiRef } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { SignInPageByConfig } from './SignInPageByConfig';

// The two pages themselves need a browser session (keycloak-js) or a backend (example users);
// here only the choice between them is under test.
jest.mock('./keycloak/KeycloakSignInPage', () => ({ KeycloakSignInPage: () => <p>Keycloak sign-in page</p> }));
jest.mock('./ExampleUserSignInPage', () => ({ ExampleUserSignInPage: () => <p>Example users sign-in page</p> }));

const props = { onSignInSuccess: jest.fn() } as unknown as SignInPageProps;
const renderWith = (data: object) =>
  render(
    <TestApiProvider apis={[[configApiRef, mockApis.config({ data })]]}>
      <SignInPageByConfig {...props} />
    </TestApiProvider>,
  );

describe('SignInPageByConfig', () => {
  it("shows Keycloak's sign-in page when auth.keycloak is configured (production)", async () => {
    renderWith({ auth: { keycloak: { url: 'https://sso.example', realm: 'stacktalk', clientId: 'portal' } } });
    expect(await screen.findByText('Keycloak sign-in page')).toBeInTheDocument();
    expect(screen.queryByText('Example users sign-in page')).toBeNull();
  });

  it('shows the development page otherwise (the embedded default)', async () => {
    renderWith({ auth: { providers: { guest: {} } } });
    expect(await screen.findByText('Example users sign-in page')).toBeInTheDocument();
    expect(screen.queryByText('Keycloak sign-in page')).toBeNull();
  });
});
