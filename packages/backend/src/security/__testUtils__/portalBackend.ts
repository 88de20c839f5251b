import { type AuthService, coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import stackTalkPolicy from '@stacktalk/plugin-permission-backend-module-stacktalk-policy';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN = 'user:default/root';
export const EMPLOYEE = 'user:default/alice';
/** In no group that owns anything. */
export const OUTSIDER = 'user:default/mallory';
export const ADMIN_GROUP = 'group:default/portal-admins';

/** Who is in which group: the ownership refs the user-info service returns. */
const MEMBERSHIP: Record<string, string[]> = {
  [ADMIN]: [ADMIN_GROUP],
  [EMPLOYEE]: ['group:default/payments-team'],
};

/** A catalog Component deployed in the fixture cluster, owned by the employee's team. */
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: core-api
  annotations:
    backstage.io/kubernetes-id: stacktalk-core-api
spec:
  type: service
  lifecycle: production
  owner: group:default/payments-team
`;

const MOCK_SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * Backstage's mock auth, except that a plugin calling another on behalf of a user is seen as
 * that user *with the calling plugin as actor*, as the real auth service does (the mock drops
 * the actor, and the permission backend then takes the call for a user's own request).
 */
const onBehalfOfAuthFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return {
      async authenticate(token, options) {
        const credentials = await auth.authenticate(token, options);
        if (!token.startsWith(MOCK_SERVICE_TOKEN_PREFIX) || !auth.isPrincipal(credentials, 'user')) return credentials;
        const { caller } = JSON.parse(token.slice(MOCK_SERVICE_TOKEN_PREFIX.length));
        return mockCredentials.user(credentials.principal.userEntityRef, { actor: { subject: `plugin:${caller}` } }) as any;
      },
      async getPluginRequestToken(options) {
        const { token } = await auth.getPluginRequestToken(options);
        if (!token.startsWith(MOCK_SERVICE_TOKEN_PREFIX)) return { token };
        const claims = JSON.parse(token.slice(MOCK_SERVICE_TOKEN_PREFIX.length));
        return { token: `${MOCK_SERVICE_TOKEN_PREFIX}${JSON.stringify({ ...claims, caller: plugin.getId() })}` };
      },
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
    };
  },
});

/**
 * The portal's catalog, Kubernetes and permission backends with the real StackTalk policy
 * module, answering permission requests over HTTP as in production (Backstage's
 * ServerPermissionClient, the permission backend, Backstage's httpAuth). Given by the test:
 * who is in which group (sign-in puts it in the user's token in the real portal) and mock
 * user tokens.
 */
export async function startPortalBackend(options: { kubernetesUrl: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'stacktalk-portal-'));
  writeFileSync(join(dir, 'catalog-info.yaml'), CATALOG);
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])] };
    },
  };
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      kubernetesPlugin,
      permissionPlugin,
      stackTalkPolicy,
      permissionsServiceFactory,
      onBehalfOfAuthFactory,
      httpAuthServiceFactory,
      createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => userInfo }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true, stacktalk: { adminGroups: [ADMIN_GROUP] } },
          catalog: {
            rules: [{ allow: ['Component', 'Location'] }],
            locations: [{ type: 'file', target: join(dir, 'catalog-info.yaml') }],
          },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'doks-fixture',
                    url: options.kubernetesUrl,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'fixture-token',
                    skipTLSVerify: true,
                    skipMetricsLookup: true,
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  return { port: backend.server.port(), stop: () => backend.stop() };
}
