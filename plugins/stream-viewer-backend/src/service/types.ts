import type { ConnectionState } from '@stacktalk/plugin-stream-viewer-common';

export type {
  ConnectionState,
  ConnectionStateName,
} from '@stacktalk/plugin-stream-viewer-common';

/**
 * One message as read from Kafka or a Redis Stream, not decoded: the hub reads what it needs of
 * the payload (kind, event time, charted fields) in one pass (`PayloadReader`).
 */
export interface StreamMessage {
  /** The Redis stream entry id (a Kafka message is named by `partition:offset`: see `messageId`). */
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

/** Kafka `partition:offset` or the Redis stream entry id. */
export function messageId(m: StreamMessage): string {
  return m.id ?? `${m.partition}:${m.offset}`;
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
  /** The messages' `bytes` are valid only during the call (Kafka's are views of memory the Kafka thread fills again): copy what is kept. */
  onMessages(messages: StreamMessage[]): void;
  onState(state: ConnectionState): void;
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
    onMessages: (m: StreamMessage[]) => void,
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
