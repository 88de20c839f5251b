import { InputError } from '@backstage/errors';

export const SECRET_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
export const MAX_NAME_LENGTH = 256;
export const MAX_VALUE_BYTES = 64 * 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws an InputError (400) that says what is wrong with a secret name. */
export function validateSecretName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new InputError('Secret name is required');
  if (name.length > MAX_NAME_LENGTH) throw new InputError(`Secret name is longer than ${MAX_NAME_LENGTH} characters`);
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw new InputError(
      `Secret name "${name.slice(0, 64)}" must match ${SECRET_NAME_PATTERN.source}: upper-case letters, digits and _, not starting with a digit`,
    );
  }
  return name;
}

/** Throws an InputError (400) that says what is wrong with a secret value. */
export function validateSecretValue(value: unknown): string {
  if (typeof value !== 'string') throw new InputError('Secret value must be a string');
  if (value.length === 0) throw new InputError('Secret value is empty');
  if (value.includes('\u0000')) throw new InputError('Secret value contains a NUL character, which no export format can carry');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) throw new InputError(`Secret value is ${bytes} bytes; the limit is ${MAX_VALUE_BYTES} (64 KiB)`);
  if (LONE_SURROGATE.test(value)) throw new InputError('Secret value is not valid Unicode text (lone surrogate)');
  return value;
}
