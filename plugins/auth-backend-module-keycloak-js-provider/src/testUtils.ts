/** The FIXTURE Keycloak (examples/fixtures/keycloak-oidc) for tests of other packages. */
export { FIXTURE_KID, startFixtureKeycloak } from './fixture/fixtureKeycloak';
export type { FixtureKeycloak } from './fixture/fixtureKeycloak';
