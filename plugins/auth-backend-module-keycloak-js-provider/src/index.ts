export { authModuleKeycloakJsProvider as default } from './module';
export { KeycloakTokenVerifier } from './KeycloakTokenVerifier';
export type { KeycloakClaims, KeycloakTokenVerifierOptions } from './KeycloakTokenVerifier';
