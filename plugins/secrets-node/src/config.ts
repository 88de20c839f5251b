import type { Config } from '@backstage/config';
import type { DeploymentMode, SecretsEnvironment } from '@stacktalk/plugin-secrets-common';

const DEPLOYMENTS: DeploymentMode[] = ['app-platform', 'droplet', 'kubernetes'];

export const DEFAULT_ENVIRONMENTS: SecretsEnvironment[] = [
  { name: 'development', deployment: 'droplet', target: 'development', production: false },
  { name: 'staging', deployment: 'app-platform', target: 'staging', production: false },
  { name: 'production', deployment: 'kubernetes', target: 'production', production: true },
];

/** `secrets.environments[]`, or development / staging / production when unset. */
export function readSecretsEnvironments(config: Config): SecretsEnvironment[] {
  const list = config.getOptionalConfigArray('secrets.environments');
  if (!list) return DEFAULT_ENVIRONMENTS;
  const seen = new Set<string>();
  return list.map(c => {
    const name = c.getString('name');
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`secrets.environments: "${name}" must be lower-case letters, digits and -`);
    if (seen.has(name)) throw new Error(`secrets.environments: "${name}" is listed twice`);
    seen.add(name);
    const deployment = c.getString('deployment') as DeploymentMode;
    if (!DEPLOYMENTS.includes(deployment)) {
      throw new Error(`secrets.environments.${name}.deployment must be one of ${DEPLOYMENTS.join(', ')}, got "${deployment}"`);
    }
    return { name, deployment, target: c.getOptionalString('target') ?? name, production: c.getOptionalBoolean('production') ?? name === 'production' };
  });
}

/** `secrets.adminGroups`: entity refs of groups whose members may reveal and destroy in production. */
export function readAdminGroups(config: Config): string[] {
  return config.getOptionalStringArray('secrets.adminGroups') ?? [];
}
