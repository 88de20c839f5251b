import type { BackstageUserIdentity, IdentityApi, ProfileInfo } from '@backstage/core-plugin-api';
import type Keycloak from 'keycloak-js';

/** The provider id of plugins/auth-backend-module-keycloak-js-provider. */
export const PROVIDER_ID = 'keycloakJs';
/** Refresh the Keycloak token when it has less than this left (seconds)… */
const MIN_VALIDITY_SECONDS = 60;
/** …checked this often (ms): well inside Keycloak's shortest usual token life (5 min). */
const CHECK_EVERY_MS = 15_000;

interface BackstageSession {
  token: string;
  expiresAt: number;
  identity: BackstageUserIdentity;
  profile: ProfileInfo;
}

/**
 * The signed-in person: a Keycloak session (keycloak-js) and the Backstage identity the backend
 * issued for its access token. Whenever keycloak-js refreshes the token (updateToken, before it
 * expires), the Backstage identity is exchanged again, so both follow the Keycloak session;
 * sign-out ends the Keycloak session too.
 */
export class KeycloakSession implements IdentityApi {
  private session?: BackstageSession;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly keycloak: Keycloak,
    private readonly authBaseUrl: string,
    private readonly appBaseUrl: string,
  ) {}

  /** Exchanges the current Keycloak token for a Backstage identity; throws the backend's message. */
  async exchange(): Promise<void> {
    const res = await fetch(`${this.authBaseUrl}/${PROVIDER_ID}/refresh`, {
      headers: { Authorization: `Bearer ${this.keycloak.token}` },
      credentials: 'include',
    });
    const body = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(body?.error?.message ?? `Sign-in failed (${res.status})`);
    const expiresIn: number = body.backstageIdentity.expiresInSeconds ?? 3600;
    this.session = {
      token: body.backstageIdentity.token,
      expiresAt: Date.now() + expiresIn * 1000,
      identity: body.backstageIdentity.identity,
      profile: body.profile ?? {},
    };
  }

  /** Keeps the Keycloak token fresh without a reload, and the Backstage identity with it. */
  keepFresh() {
    this.timer = setInterval(() => void this.refreshIfDue(), CHECK_EVERY_MS);
  }

  private async refreshIfDue(): Promise<void> {
    const refreshed = await this.keycloak.updateToken(MIN_VALIDITY_SECONDS).catch(() => false);
    const backstageDue = !this.session || this.session.expiresAt - Date.now() < MIN_VALIDITY_SECONDS * 1000;
    if (refreshed || backstageDue) await this.exchange();
  }

  async getCredentials(): Promise<{ token?: string }> {
    if (!this.session || this.session.expiresAt - Date.now() < 5_000) await this.refreshIfDue();
    return { token: this.session?.token };
  }

  async getBackstageIdentity(): Promise<BackstageUserIdentity> {
    if (!this.session) await this.exchange();
    return this.session!.identity;
  }

  async getProfileInfo(): Promise<ProfileInfo> {
    return this.session?.profile ?? {};
  }

  async signOut(): Promise<void> {
    clearInterval(this.timer);
    this.session = undefined;
    // What the app does on sign-out before it navigates: forget the asset cookie.
    await fetch(`${this.appBaseUrl}/.backstage/auth/v1/cookie`, { method: 'DELETE', credentials: 'include' }).catch(() => undefined);
    await this.keycloak.logout({ redirectUri: `${window.location.origin}/` });
    // Keycloak's logout page is loading and returns to the portal; resolving would let the app
    // navigate to its own sign-out target and cancel that navigation.
    await new Promise<never>(() => {});
  }
}
