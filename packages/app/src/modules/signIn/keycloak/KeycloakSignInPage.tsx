import { useEffect, useMemo, useState } from 'react';
import { Content, ErrorPanel, Header, InfoCard, Page, Progress } from '@backstage/core-components';
import { configApiRef, discoveryApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { Button, Grid, Typography } from '@material-ui/core';
import Keycloak from 'keycloak-js';
import { KeycloakSession } from './KeycloakSession';

/** keycloak-js does not time out a silent check-sso whose iframe is blocked (CSP, network). */
const INIT_TIMEOUT_MS = 20_000;

type State = { step: 'checking' } | { step: 'signed-out' } | { step: 'error'; error: Error };

/**
 * Production sign-in through Keycloak with keycloak-js: authorization code + PKCE S256. On load a
 * hidden check-sso (silent-check-sso.html) signs in a person who already has a Keycloak session
 * with no click; otherwise one button redirects to Keycloak's login page (no popup).
 */
export function KeycloakSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const [state, setState] = useState<State>({ step: 'checking' });
  const realm = useMemo(() => configApi.getConfig('auth.keycloak'), [configApi]);
  const keycloak = useMemo(
    () => new Keycloak({ url: realm.getString('url'), realm: realm.getString('realm'), clientId: realm.getString('clientId') }),
    [realm],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const init = keycloak.init({
        onLoad: 'check-sso',
        pkceMethod: 'S256',
        responseMode: 'fragment',
        silentCheckSsoRedirectUri: `${window.location.origin}/silent-check-sso.html`,
        checkLoginIframe: realm.getOptionalBoolean('checkLoginIframe') ?? true,
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Keycloak at ${realm.getString('url')} did not answer the silent sign-in check`)), INIT_TIMEOUT_MS);
      });
      const authenticated = await Promise.race([init, timeout]).finally(() => clearTimeout(timer));
      if (cancelled) return;
      if (!authenticated) {
        setState({ step: 'signed-out' });
        return;
      }
      const session = new KeycloakSession(keycloak, await discoveryApi.getBaseUrl('auth'), await discoveryApi.getBaseUrl('app'));
      await session.exchange();
      session.keepFresh();
      props.onSignInSuccess(session);
    })().catch(e => !cancelled && setState({ step: 'error', error: e instanceof Error ? e : new Error(String(e?.error ?? e)) }));
    return () => {
      cancelled = true;
    };
    // keycloak-js may be initialised once per page load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keycloak]);

  if (state.step === 'checking') return <Progress />;
  return (
    <Page themeId="home">
      <Header title="StackTalk Portal" subtitle="Sign in with your StackTalk account" />
      <Content>
        <Grid container justifyContent="center">
          <Grid item xs={12} md={6}>
            {state.step === 'error' && (
              <ErrorPanel title="Could not sign in with Keycloak" error={state.error} />
            )}
            <InfoCard title="Sign in">
              <Typography paragraph>
                The portal signs you in through the company's single sign-on (Keycloak, realm{' '}
                {realm.getString('realm')}). If you are already signed in there, you are let in without a click.
              </Typography>
              <Button
                variant="contained"
                color="primary"
                onClick={() => keycloak.login({ redirectUri: window.location.href })}
              >
                Sign in with Keycloak
              </Button>
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
