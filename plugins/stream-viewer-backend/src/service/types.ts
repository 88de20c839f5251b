import type { ConnectionState } from '@stacktalk/plugin-stream-viewer-common';

export type {
  ConnectionState,
  ConnectionStateName,
} from '@stacktalk/plugin-stream-viewer-common';

/**
 * One message as read from Kafka or a Redis Stream, not decoded: how sources that read message
 * by message (Redis, Kafka history) hand them over, through `packMessages`.
 */
export interface StreamMessage {
  /** The Redis stream entry id (a Kafka message is named by `partition:offset`). */
  id?: string;
  partition?: number;
  /** Kafka: the offset (the hub keeps this number rather than the id string). */
  offset?: number;
  /** The transport's time in epoch ms (Kafka's message timestamp, the Redis entry id's): the event time unless the stream has a timestamp field. */
  time: number;
  key?: string;
  /** The payload as read (the hub keeps these bytes, not a decoded value). */
  bytes: Uint8Array;
}

/**
 * Messages in columns, as the hub takes them: no object per message. The hub reads what it needs
 * of each payload (kind, event time, charted fields) off `data` in one pass (`PayloadReader`)
 * and copies the bytes it keeps. The Kafka thread hands its batches over in this form.
 */
export interface MessageBatch {
  /** Kafka partition, -1 for none. */
  partitions: Int32Array;
  /** Kafka offset, NaN for none. */
  offsets: Float64Array;
  /** The transport's time (see `StreamMessage.time`). */
  times: Float64Array;
  /** Where each message's bytes end in `data`: its key (if any), its payload, its id (if any), back to back. */
  ends: Uint32Array;
  /** Each key's length in bytes, -1 for a message without a key. */
  keyLengths: Int32Array;
  /** Each id's length in bytes (Redis entry ids); none: every message is named by `partition:offset`. */
  idLengths?: Int32Array;
  data: Uint8Array;
}

/** Where message `k` of `batch` starts in its `data`. */
export const startOf = (batch: MessageBatch, k: number) =>
  k === 0 ? 0 : batch.ends[k - 1];

/** A Kafka message's id, as viewers see it. */
export const kafkaMessageId = (partition: number, offset: number) =>
  `${partition}:${offset}`;

/** Message `k`'s id: the Redis stream entry id or Kafka `partition:offset`. */
export function batchMessageId(batch: MessageBatch, k: number): string {
  const length = batch.idLengths ? batch.idLengths[k] : 0;
  if (!length) return kafkaMessageId(batch.partitions[k], batch.offsets[k]);
  const end = batch.ends[k];
  return Buffer.from(batch.data.buffer, batch.data.byteOffset).toString(
    'utf8',
    end - length,
    end,
  );
}

/** Messages as a batch: keys and ids encoded as UTF-8. */
export function packMessages(messages: StreamMessage[]): MessageBatch {
  const n = messages.length;
  const keys = messages.map(m =>
    m.key === undefined ? undefined : Buffer.from(m.key),
  );
  const ids = messages.map(m =>
    m.id === undefined ? undefined : Buffer.from(m.id),
  );
  let size = 0;
  messages.forEach(
    (m, k) =>
      (size += (keys[k]?.length ?? 0) + m.bytes.length + (ids[k]?.length ?? 0)),
  );
  const partitions = new Int32Array(n);
  const offsets = new Float64Array(n);
  const times = new Float64Array(n);
  const ends = new Uint32Array(n);
  const keyLengths = new Int32Array(n);
  const idLengths = new Int32Array(n);
  const data = new Uint8Array(size);
  let at = 0;
  messages.forEach((m, k) => {
    for (const part of [keys[k], m.bytes, ids[k]])
      if (part) {
        data.set(part, at);
        at += part.length;
      }
    partitions[k] = m.partition ?? -1;
    offsets[k] = m.offset ?? Number.NaN;
    times[k] = m.time;
    ends[k] = at;
    keyLengths[k] = keys[k]?.length ?? -1;
    idLengths[k] = ids[k]?.length ?? 0;
  });
  return { partitions, offsets, times, ends, keyLengths, idLengths, data };
}

/**
 * Where a viewer starts: `now` (what arrives from the moment it subscribes), the last N minutes
 * (a timestamp seek), a Kafka offset (one partition or all) or a Redis stream entry id.
 */
export type StartPosition =
  | { kind: 'now' }
  | { kind: 'time'; at: number }
  | { kind: 'offset'; partition?: number; offset: string }
  | { kind: 'id'; id: string };

export interface SourceHandlers {
  /** The batch is valid only during the call (the Kafka thread fills its memory again): copy what is kept. */
  onMessages(batch: MessageBatch): void;
  onState(state: ConnectionState): void;
  /** Something the viewers should know that is not a message (a Kafka batch skipped, say). */
  onNotice?(text: string): void;
}

/** The one upstream reader of a stream; started by the hub for the first viewer. */
export interface StreamSource {
  /** JSON path of the payload field holding the event time (else the transport's time is used). */
  readonly timestampField?: string;
  start(handlers: SourceHandlers): Promise<void>;
  stop(): Promise<void>;
  /**
   * Reads history from `from` up to the moment the live reader started (`until`, epoch ms),
   * on a connection of its own, handing over batches as it goes; resolves with a note when the
   * server could only approximate the seek. At most `limit` messages. `completeFrom`: the
   * server no longer had what came before this time (retention deleted it), so history is
   * complete only from here.
   */
  backfill?(
    from: Exclude<StartPosition, { kind: 'now' }>,
    until: number,
    onMessages: (batch: MessageBatch) => void,
    limit: number,
  ): Promise<{ note?: string; completeFrom?: number }>;
}

/** Parses the `start` query parameter; throws an Error saying why for anything else. */
export function parseStartPosition(
  text: string | undefined,
  transport: 'kafka' | 'redis',
  now = Date.now(),
): StartPosition {
  const spec = (text ?? '').trim();
  if (spec === '' || spec === 'now') return { kind: 'now' };
  let m = /^minutes:(\d{1,2})$/.exec(spec);
  if (m) {
    const minutes = Number(m[1]);
    if (minutes < 1 || minutes > 60)
      throw new Error(
        `start=minutes:N takes N from 1 to 60 (the hub keeps one hour), not ${minutes}`,
      );
    return { kind: 'time', at: now - minutes * 60_000 };
  }
  m = /^offset:(?:(\d{1,6}):)?(\d{1,19})$/.exec(spec);
  if (m) {
    if (transport !== 'kafka')
      throw new Error(
        'start=offset:… is for Kafka topics; a Redis stream starts at id:<entry id>',
      );
    return {
      kind: 'offset',
      ...(m[1] !== undefined ? { partition: Number(m[1]) } : {}),
      offset: m[2],
    };
  }
  m = /^id:(\d{1,15})(?:-(\d{1,19}))?$/.exec(spec);
  if (m) {
    if (transport !== 'redis')
      throw new Error(
        'start=id:… is for Redis streams; a Kafka topic starts at offset:<partition>:<offset>',
      );
    return { kind: 'id', id: `${m[1]}-${m[2] ?? '0'}` };
  }
  throw new Error(
    `start must be now, minutes:N (1-60), offset:<partition>:<offset> or offset:<offset> (Kafka), or id:<ms>-<seq> (Redis); got "${spec.slice(
      0,
      60,
    )}"`,
  );
}
