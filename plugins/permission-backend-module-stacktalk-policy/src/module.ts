import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readAdminGroups, readSecretsEnvironments } from '@stacktalk/plugin-secrets-backend';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';

/** Installs {@link StackTalkPermissionPolicy} as the portal's permission policy. */
export const stackTalkPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'stacktalk-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig, userInfo: coreServices.userInfo },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new StackTalkPermissionPolicy({
            secretsAdminGroups: readAdminGroups(config),
            productionEnvironments: readSecretsEnvironments(config).filter(e => e.production).map(e => e.name),
            userInfo,
          }),
        );
      },
    });
  },
});
