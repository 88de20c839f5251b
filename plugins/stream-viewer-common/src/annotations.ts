/** Catalog annotations of stream Resources (`spec.type: kafka-topic | redis-stream`). */
export const ANNOTATION_KAFKA_CLUSTER = 'stacktalk.io/kafka-cluster';
export const ANNOTATION_KAFKA_TOPIC = 'stacktalk.io/kafka-topic';
export const ANNOTATION_REDIS_INSTANCE = 'stacktalk.io/redis-instance';
export const ANNOTATION_REDIS_STREAM = 'stacktalk.io/redis-stream';
/** Comma-separated JSON paths of numeric fields to chart, e.g. `$.latency_ms,$.rps`. */
export const ANNOTATION_STREAM_FIELDS = 'stacktalk.io/stream-fields';
/** JSON path of the event time, e.g. `$.ts` (epoch ms, epoch s or ISO 8601). */
export const ANNOTATION_STREAM_TIMESTAMP_FIELD =
  'stacktalk.io/stream-timestamp-field';
/** Comma-separated consumer groups to show lag for (added to those the broker lists). */
export const ANNOTATION_KAFKA_CONSUMER_GROUPS =
  'stacktalk.io/kafka-consumer-groups';
