import { useState } from 'react';
import {
  Content,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  Progress,
  ProxiedSignInPage,
  SignInPage,
} from '@backstage/core-components';
import type { IdentityApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { Box, Button, Chip, Grid, Tooltip, Typography } from '@material-ui/core';
import { type ExampleUser, useExampleUsers } from './useExampleUsers';

/** The provider id and header of plugins/auth-backend-module-example-users-provider. */
const PROVIDER_ID = 'exampleUser';
const USER_HEADER = 'x-stacktalk-example-user';
/** The chosen user survives a reload until Sign out. */
const STORAGE_KEY = 'stacktalk:example-user';

function forgetOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      localStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

function UserRow({ user, onPick }: { user: ExampleUser; onPick: () => void }) {
  return (
    <Box display="flex" alignItems="center" py={1} style={{ gap: 12 }} aria-label={`Example user ${user.name}`}>
      <Box width={220}>
        <Typography variant="subtitle2">{user.displayName}</Typography>
        <Typography variant="caption" color="textSecondary">{user.name}</Typography>
      </Box>
      <Box flex={1} display="flex" flexWrap="wrap" style={{ gap: 6 }}>
        {user.groups.map(g => (
          <Tooltip key={g.entityRef} title={g.description ?? g.entityRef}>
            <Chip size="small" label={g.title} />
          </Tooltip>
        ))}
      </Box>
      <Button variant="outlined" color="primary" onClick={onPick} aria-label={`Sign in as ${user.displayName}`}>
        Sign in
      </Button>
    </Box>
  );
}

/**
 * The embedded default's sign-in page: Enter as the guest's user, or as any example user to see
 * the portal as an owner, a non-owner or an administrator. Without the development provider
 * (production) it is the stock guest sign-in page.
 */
export function ExampleUserSignInPage(props: SignInPageProps) {
  const { value, loading } = useExampleUsers();
  const [chosen, setChosen] = useState(() => localStorage.getItem(STORAGE_KEY));
  const pick = (name: string) => {
    localStorage.setItem(STORAGE_KEY, name);
    setChosen(name);
  };

  if (chosen) {
    return (
      <ProxiedSignInPage
        provider={PROVIDER_ID}
        headers={{ [USER_HEADER]: chosen }}
        onSignInSuccess={identity => props.onSignInSuccess(forgetOnSignOut(identity))}
        ErrorComponent={({ error }) => (
          <Box p={4}>
            <ErrorPanel title={`Could not sign in as ${chosen}`} error={error ?? new Error('unknown error')} />
            <Button onClick={() => { localStorage.removeItem(STORAGE_KEY); setChosen(null); }}>Choose another user</Button>
          </Box>
        )}
      />
    );
  }
  if (loading) return <Progress />;
  if (!value) return <SignInPage {...props} providers={['guest']} />;

  const defaultName = value.users.find(u => u.entityRef === value.defaultUserRef)?.name ?? value.users[0]?.name;
  const defaultUser = value.users.find(u => u.name === defaultName);
  return (
    <Page themeId="home">
      <Header title="StackTalk Portal" subtitle="Development sign-in: choose who you are" />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard title="Guest">
              <Typography paragraph>
                Enter as {defaultUser?.displayName ?? 'the guest'}
                {defaultUser?.groups.length ? ` (${defaultUser.groups.map(g => g.title).join(', ')})` : ''}.
              </Typography>
              <Button variant="contained" color="primary" disabled={!defaultName} onClick={() => defaultName && pick(defaultName)}>
                Enter
              </Button>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title="Sign in as an example user">
              <Typography variant="body2" color="textSecondary" paragraph>
                Development only (docs: Getting started → Seeing the portal as someone else). What you
                can see and do follows the groups: for example the Secrets admin page needs membership
                of Secrets administrators. Hover a group for what it may do. Settings → Sign out returns here.
              </Typography>
              {value.users.map(u => (
                <UserRow key={u.name} user={u} onPick={() => pick(u.name)} />
              ))}
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
