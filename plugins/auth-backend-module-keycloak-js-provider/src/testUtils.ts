/** The FIXTURE Keycloak (examples/fixtures/keycloak-oidc) for tests of other packages. */
export { FIXTURE_KID, startFixtureKeycloak } from './__testUtils__/fixtureKeycloak';
export type { FixtureKeycloak } from './__testUtils__/fixtureKeycloak';
