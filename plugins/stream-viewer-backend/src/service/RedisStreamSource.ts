import Redis from 'ioredis';
import {
  packMessages,
  type MessageBatch,
  type SourceHandlers,
  type StartPosition,
  type StreamSource,
} from './types';

const encoder = new TextEncoder();

/** A Redis Stream entry's fields as one message: a lone payload field as is, else an object. */
function entryPayload(fields: string[]): Uint8Array {
  if (
    fields.length === 2 &&
    ['data', 'payload', 'json', 'message', 'value'].includes(fields[0])
  )
    return encoder.encode(fields[1]);
  const object: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const v = fields[i + 1];
    object[fields[i]] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  return encoder.encode(JSON.stringify(object));
}

/**
 * When entries have left the stream (MAXLEN / MINID trimming, XDEL: XINFO's `entries-added` is
 * more than its length, Redis 7), the time of its first entry: nothing older is complete.
 */
async function trimmedUntil(redis: Redis, key: string) {
  const info = (await redis.xinfo('STREAM', key).catch(() => [])) as unknown[];
  const field = (name: string) => {
    const at = info.indexOf(name);
    return at < 0 ? undefined : info[at + 1];
  };
  const added = Number(field('entries-added'));
  const first = field('first-entry') as [string, string[]] | null | undefined;
  if (!(added > Number(field('length'))) || !first) return undefined;
  return Number(first[0].split('-')[0]);
}

/** Entries as XREAD / XRANGE return them → a batch. */
function toBatch(entries: Array<[string, string[]]>): MessageBatch {
  const now = Date.now();
  return packMessages(
    entries.map(([id, fields]) => ({
      id,
      time: Number(id.split('-')[0]) || now,
      bytes: entryPayload(fields),
    })),
  );
}

export interface RedisStreamSourceOptions {
  url: string;
  key: string;
  /** `$` (only new entries), or an entry id to start after. */
  startId?: string;
  timestampField?: string;
  /** Name of the connection in CLIENT LIST (one per stream per backend). */
  clientName: string;
}

/**
 * Tails a Redis Stream with blocking XREAD on its own connection (a blocked connection cannot
 * serve anything else). No consumer group: tailing never touches the services' groups.
 */
export class RedisStreamSource implements StreamSource {
  private redis?: Redis;
  private stopped = false;
  private loop?: Promise<void>;
  readonly timestampField?: string;

  constructor(private readonly options: RedisStreamSourceOptions) {
    this.timestampField = options.timestampField;
  }

  async start(handlers: SourceHandlers) {
    this.redis = new Redis(this.options.url, {
      connectionName: this.options.clientName,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: times => Math.min(500 * 2 ** Math.min(times, 5), 10_000),
    });
    let lastId = this.options.startId ?? '$';
    let live = false;
    handlers.onState({ state: 'connecting', since: Date.now() });
    this.redis.on('error', error => {
      if (!this.stopped)
        handlers.onState({
          state: 'reconnecting',
          reason: error.message,
          since: Date.now(),
        });
      live = false;
    });
    if (lastId === '$') {
      // Resolve "now" to a concrete id so a reconnect resumes where it left off.
      const last = await this.redis
        .xrevrange(this.options.key, '+', '-', 'COUNT', 1)
        .catch(() => []);
      lastId = last[0]?.[0] ?? '0-0';
    }
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const result = (await this.redis!.xread(
            'COUNT',
            1000,
            'BLOCK',
            1000,
            'STREAMS',
            this.options.key,
            lastId,
          )) as Array<[string, Array<[string, string[]]>]> | null;
          if (!live) {
            live = true;
            handlers.onState({ state: 'live', since: Date.now() });
          }
          if (!result) continue;
          const entries = result[0][1];
          lastId = entries[entries.length - 1][0];
          handlers.onMessages(toBatch(entries));
        } catch (error) {
          if (this.stopped) break;
          live = false;
          handlers.onState({
            state: 'reconnecting',
            reason: (error as Error).message,
            since: Date.now(),
          });
          await new Promise(r => setTimeout(r, 500));
        }
      }
    })();
  }

  /** XRANGE from the id (or the first id of the time) up to the entries the live reader read. */
  async backfill(
    from: Exclude<StartPosition, { kind: 'now' }>,
    until: number,
    onMessages: (batch: MessageBatch) => void,
    limit: number,
  ) {
    if (from.kind === 'offset')
      throw new Error('a Redis stream starts at an entry id, not an offset');
    const redis = new Redis(this.options.url, {
      connectionName: `${this.options.clientName}:history`,
      maxRetriesPerRequest: 2,
      lazyConnect: true,
    });
    try {
      await redis.connect();
      const completeFrom = await trimmedUntil(redis, this.options.key);
      let start = from.kind === 'id' ? from.id : `${Math.floor(from.at)}-0`;
      let read = 0;
      while (read < limit) {
        const entries = (await redis.xrange(
          this.options.key,
          start,
          '+',
          'COUNT',
          Math.min(5000, limit - read),
        )) as Array<[string, string[]]>;
        const before = entries.filter(
          ([id]) => Number(id.split('-')[0]) < until,
        );
        if (before.length) onMessages(toBatch(before));
        read += before.length;
        if (before.length < entries.length || entries.length === 0) break;
        start = `(${entries[entries.length - 1][0]}`;
      }
      return { completeFrom };
    } finally {
      redis.disconnect();
    }
  }

  async stop() {
    this.stopped = true;
    this.redis?.disconnect();
    await this.loop?.catch(() => {});
  }
}
