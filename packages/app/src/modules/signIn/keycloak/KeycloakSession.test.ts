import type Keycloak from 'keycloak-js';
import { KeycloakSession } from './KeycloakSession';

const AUTH = 'http://portal.test/api/auth';
const APP = 'http://portal.test';

/** keycloak-js as the session uses it: the current token, updateToken and logout. */
function fakeKeycloak() {
  const kc = {
    token: 'kc-token-1',
    updateToken: jest.fn(async (_minValidity: number) => false),
    logout: jest.fn(async (_options?: object) => {}),
  };
  return kc;
}

/** The backend's refresh endpoint: a new Backstage token per call, for the Keycloak token sent. */
function backend(status = 200) {
  let issued = 0;
  const calls: { url: string; authorization?: string; method?: string }[] = [];
  const fetchMock = jest.fn(async (url: string, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({ url, authorization: headers.Authorization, method: init?.method });
    if (!url.endsWith('/keycloakJs/refresh')) return new Response(null, { status: 204 });
    if (status !== 200) {
      return new Response(JSON.stringify({ error: { message: 'bruno.silva has no User in the portal\'s catalog' } }), { status });
    }
    issued += 1;
    return new Response(
      JSON.stringify({
        backstageIdentity: {
          token: `backstage-${issued}-for-${headers.Authorization?.replace('Bearer ', '')}`,
          expiresInSeconds: 3600,
          identity: { type: 'user', userEntityRef: 'user:default/bruno.silva', ownershipEntityRefs: ['user:default/bruno.silva'] },
        },
        profile: { displayName: 'Bruno Silva' },
      }),
      { status: 200 },
    );
  });
  return { fetchMock, calls, exchanges: () => calls.filter(c => c.url === `${AUTH}/keycloakJs/refresh`) };
}

describe('KeycloakSession', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
    jest.useRealTimers();
  });

  it("exchanges the Keycloak token for the backend's Backstage identity", async () => {
    const kc = fakeKeycloak();
    const server = backend();
    global.fetch = server.fetchMock as unknown as typeof fetch;
    const session = new KeycloakSession(kc as unknown as Keycloak, AUTH, APP);
    await session.exchange();
    expect(server.exchanges()).toEqual([{ url: `${AUTH}/keycloakJs/refresh`, authorization: 'Bearer kc-token-1', method: undefined }]);
    expect((await session.getBackstageIdentity()).userEntityRef).toBe('user:default/bruno.silva');
    expect(await session.getCredentials()).toEqual({ token: 'backstage-1-for-kc-token-1' });
    expect(await session.getProfileInfo()).toEqual({ displayName: 'Bruno Silva' });
  });

  it("throws the backend's reason when it refuses the token", async () => {
    global.fetch = backend(401).fetchMock as unknown as typeof fetch;
    const session = new KeycloakSession(fakeKeycloak() as unknown as Keycloak, AUTH, APP);
    await expect(session.exchange()).rejects.toThrow("bruno.silva has no User in the portal's catalog");
  });

  it('follows a Keycloak token refresh with a new Backstage identity, without anything else', async () => {
    jest.useFakeTimers();
    const kc = fakeKeycloak();
    const server = backend();
    global.fetch = server.fetchMock as unknown as typeof fetch;
    const session = new KeycloakSession(kc as unknown as Keycloak, AUTH, APP);
    await session.exchange();
    session.keepFresh();

    // A check while the Keycloak token is fresh (updateToken refreshes nothing): no exchange.
    await jest.advanceTimersByTimeAsync(15_000);
    expect(kc.updateToken).toHaveBeenCalledWith(60);
    expect(server.exchanges()).toHaveLength(1);

    // keycloak-js refreshed the token: the Backstage identity follows it.
    kc.updateToken.mockImplementationOnce(async () => {
      kc.token = 'kc-token-2';
      return true;
    });
    await jest.advanceTimersByTimeAsync(15_000);
    expect(server.exchanges().map(c => c.authorization)).toEqual(['Bearer kc-token-1', 'Bearer kc-token-2']);
    expect(await session.getCredentials()).toEqual({ token: 'backstage-2-for-kc-token-2' });

    // Keycloak's session ended (updateToken rejects): the check neither throws nor exchanges.
    kc.updateToken.mockImplementationOnce(async () => {
      throw new Error('refresh token expired');
    });
    await jest.advanceTimersByTimeAsync(15_000);
    expect(server.exchanges()).toHaveLength(2);
    expect(kc.updateToken).toHaveBeenCalledTimes(3);
  });

  it('renews the Backstage identity when it is about to expire even if the Keycloak token is fresh', async () => {
    jest.useFakeTimers();
    const kc = fakeKeycloak();
    const server = backend();
    global.fetch = server.fetchMock as unknown as typeof fetch;
    const session = new KeycloakSession(kc as unknown as Keycloak, AUTH, APP);
    await session.exchange();
    // 3600 s Backstage tokens: one minute before expiry the next check exchanges again.
    jest.setSystemTime(Date.now() + 3_600_000 - 50_000);
    expect(await session.getCredentials()).toEqual({ token: 'backstage-1-for-kc-token-1' });
    session.keepFresh();
    await jest.advanceTimersByTimeAsync(15_000);
    expect(server.exchanges()).toHaveLength(2);
    expect(await session.getCredentials()).toEqual({ token: 'backstage-2-for-kc-token-1' });
  });

  it('signs out of Keycloak too, forgets the asset cookie and stops refreshing', async () => {
    jest.useFakeTimers();
    const kc = fakeKeycloak();
    const server = backend();
    global.fetch = server.fetchMock as unknown as typeof fetch;
    const session = new KeycloakSession(kc as unknown as Keycloak, AUTH, APP);
    await session.exchange();
    session.keepFresh();
    void session.signOut(); // never resolves: Keycloak's logout page is loading
    await jest.advanceTimersByTimeAsync(0);
    expect(server.calls).toContainEqual({ url: `${APP}/.backstage/auth/v1/cookie`, authorization: undefined, method: 'DELETE' });
    expect(kc.logout).toHaveBeenCalledWith({ redirectUri: `${window.location.origin}/` });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(kc.updateToken).not.toHaveBeenCalled();
  });
});
