// In progress (issue 5): the cipher exists; storage, routes, permissions and UI do not yet.
export { EnvelopeCipher, IntegrityError } from './service/EnvelopeCipher';
export type { KeyEncryptionKey, SealedValue, SecretIdentity } from './service/EnvelopeCipher';
