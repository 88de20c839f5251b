import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readAdminGroups as readSecretsAdminGroups, readSecretsEnvironments } from '@stacktalk/plugin-secrets-node';
import { readAdminGroups } from './config';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';

/** Installs {@link StackTalkPermissionPolicy} as the portal's permission policy. */
export const stackTalkPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'stacktalk-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        logger: coreServices.logger,
      },
      async init({ policy, config, userInfo, logger }) {
        const adminGroups = readAdminGroups(config);
        if (adminGroups.length === 0) {
          logger.warn(
            'No portal admin groups (permission.stacktalk.adminGroups or secrets.adminGroups): nobody may use the Kubernetes proxy or register catalog locations',
          );
        }
        policy.setPolicy(
          new StackTalkPermissionPolicy({
            adminGroups,
            secretsAdminGroups: readSecretsAdminGroups(config),
            productionEnvironments: readSecretsEnvironments(config).filter(e => e.production).map(e => e.name),
            userInfo,
          }),
        );
      },
    });
  },
});
