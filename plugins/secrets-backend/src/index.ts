export { secretsPlugin as default } from './plugin';
export {
  secretScopeConditions,
  createSecretScopeConditionalDecision,
  secretScopeResourceRef,
  secretScopeRules,
  type SecretScope,
} from '@stacktalk/plugin-secrets-node';
export { readSecretsEnvironments, readAdminGroups } from './service/config';
export { EnvelopeCipher, IntegrityError } from './service/EnvelopeCipher';
export type { KeyEncryptionKey, SealedValue, SecretIdentity } from './service/EnvelopeCipher';
