import { AuthenticationError, ServiceUnavailableError } from '@backstage/errors';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** The claims of a Keycloak access token the portal uses. */
export interface KeycloakClaims extends JWTPayload {
  sub: string;
  azp?: string;
  preferred_username?: string;
  email?: string;
  name?: string;
  groups?: string[];
  realm_access?: { roles?: string[] };
}

export interface KeycloakTokenVerifierOptions {
  /** Keycloak's base URL, without /realms. */
  url: string;
  realm: string;
  clientId: string;
  audience?: string;
  clockSkewSeconds?: number;
  /** Between two fetches of the realm's keys on an unknown `kid` (default 30 s). */
  jwksCooldownMs?: number;
}

/** Keycloak signs with RSA or EC keys; never `none` and never HMAC (whose key would be public). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const MAX_SKEW_SECONDS = 300;

/** Why a token was refused, in words for the log (never the token itself). */
function reason(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return 'not yet valid (nbf)';
    if (e.claim === 'iss') return 'wrong issuer';
    if (e.claim === 'aud') return 'wrong audience';
    return `claim ${e.claim} invalid: ${e.reason}`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (e instanceof errors.JWKSNoMatchingKey) return 'signed with a key not in the realm JWKS';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'malformed token';
  if (e instanceof errors.JOSENotSupported) return 'unsupported token or key';
  return 'invalid token';
}

/**
 * Verifies Keycloak access tokens against the realm's JWKS: signature, issuer, the portal client
 * (`azp`, and `aud` when configured), exp/nbf within a bounded clock skew. The keys are cached;
 * a token with an unknown `kid` refetches them at most once per cooldown (key rotation) and is
 * refused otherwise.
 */
export class KeycloakTokenVerifier {
  readonly issuer: string;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly skew: number;

  constructor(private readonly options: KeycloakTokenVerifierOptions) {
    this.issuer = `${options.url.replace(/\/+$/, '')}/realms/${encodeURIComponent(options.realm)}`;
    this.skew = Math.min(Math.max(options.clockSkewSeconds ?? 30, 0), MAX_SKEW_SECONDS);
    this.jwks = createRemoteJWKSet(new URL(`${this.issuer}/protocol/openid-connect/certs`), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: 10 * 60_000,
      timeoutDuration: 5_000,
    });
  }

  /** The token's claims, or AuthenticationError saying why it was refused. */
  async verify(token: string): Promise<KeycloakClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.skew,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (e) {
      if (e instanceof errors.JWKSTimeout || (e instanceof TypeError && /fetch/i.test(e.message))) {
        throw new ServiceUnavailableError(`Keycloak's keys could not be fetched from ${this.issuer}`);
      }
      if (e instanceof errors.JWKSInvalid) throw new ServiceUnavailableError(`Keycloak served invalid keys at ${this.issuer}`);
      throw new AuthenticationError(`Keycloak token refused: ${reason(e)}`);
    }
    if (payload.azp !== this.options.clientId) {
      throw new AuthenticationError(`Keycloak token refused: issued to another client (azp)`);
    }
    return payload as KeycloakClaims;
  }
}
