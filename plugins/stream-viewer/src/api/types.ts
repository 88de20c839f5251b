/** What the stream-viewer backend answers: the shared definitions of `-common`, and the tab's own. */
import type { StreamDescriptor as Described } from '@stacktalk/plugin-stream-viewer-common';

export type {
  ConnectionStateName,
  KafkaTopicInfo,
  LatestMessage,
  Point,
  RedisStreamInfo,
  Snapshot,
  StreamInfo,
} from '@stacktalk/plugin-stream-viewer-common';

/** A stream of `GET /streams`: with whether this user may see message contents. */
export interface StreamDescriptor extends Described {
  payload: boolean;
}

export interface StreamsResponse {
  streams: StreamDescriptor[];
  access: { metrics: boolean };
  configured: { kafka: string[]; redis: string[] };
}

export interface LiveParams {
  windowMs: number;
  filter?: string;
  /** now | minutes:N | offset:P:O | offset:O | id:<ms>-<seq> */
  start: string;
}
