import { createHash } from 'node:crypto';
import type { JsonValue } from '@backstage/types';

/** What the cache keeps per GitHub resource. */
export interface CacheEntry {
  data: JsonValue;
  /** The ETag GitHub sent with `data` (weak or strong), for `If-None-Match`. */
  etag?: string;
  /** Which credential got that ETag (a hash, never the token): GitHub's ETags vary by credential. */
  credential?: string;
  /** sha256 of the JSON of `data`, to tell a real change from a new ETag on the same content. */
  hash: string;
  /** When GitHub last confirmed `data` (ms since epoch). */
  checkedAt: number;
}

export const contentHash = (data: unknown) =>
  createHash('sha256').update(JSON.stringify(data)).digest('hex');

export const credentialId = (token: string | undefined) =>
  token ? createHash('sha256').update(token).digest('hex').slice(0, 16) : 'anonymous';

export function isCacheEntry(value: unknown): value is CacheEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    'hash' in value &&
    'checkedAt' in value &&
    typeof (value as CacheEntry).checkedAt === 'number'
  );
}
