import type { Decoded } from '@stacktalk/plugin-stream-viewer-common';

export type ConnectionStateName = 'connecting' | 'live' | 'reconnecting' | 'unreachable';

export interface ConnectionState {
  state: ConnectionStateName;
  /** Why it is reconnecting / unreachable (the client library's error). */
  reason?: string;
  since: number;
}

/** One message as read from Kafka or a Redis Stream, decoded. */
export interface StreamMessage {
  /** Kafka `partition:offset` or the Redis stream entry id. */
  id: string;
  partition?: number;
  /** Event time in epoch ms (the timestamp field, else the broker's time). */
  timestamp: number;
  key?: string;
  decoded: Decoded;
  size: number;
}

/** The one upstream reader of a stream; started by the hub for the first viewer. */
export interface StreamSource {
  start(handlers: { onMessages(messages: StreamMessage[]): void; onState(state: ConnectionState): void }): Promise<void>;
  stop(): Promise<void>;
}
