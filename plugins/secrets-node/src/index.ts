/**
 * Node library of the StackTalk secrets plugin: what other backend plugins and modules (the
 * permission policy above all) share with the secrets backend without depending on it — the
 * secret-scope permission rules and conditions, and the readers of the `secrets.environments`
 * and `secrets.adminGroups` config.
 *
 * @packageDocumentation
 */
export {
  createSecretScopeConditionalDecision,
  isEntityOwner,
  isEnvironment,
  secretScopeConditions,
  secretScopeResourceRef,
  secretScopeRules,
  type SecretScope,
} from './rules';
export { DEFAULT_ENVIRONMENTS, readAdminGroups, readSecretsEnvironments } from './config';
