import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { decodePayload, getAtPath, parseJsonPath } from '@stacktalk/plugin-stream-viewer-common';
import { toTimestamp } from './RedisStreamSource';
import type { ConnectionState, StreamMessage, StreamSource } from './types';

export interface KafkaTopicSourceOptions {
  brokers: string[];
  topic: string;
  timestampField?: string;
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/**
 * Tails a Kafka topic from its end with kafkajs. The consumer group is the viewer's own
 * (`stacktalk-stream-viewer-<random>`) and never commits: the services' groups are untouched.
 */
export class KafkaTopicSource implements StreamSource {
  private consumer?: Consumer;
  private watchdog?: NodeJS.Timeout;

  constructor(private readonly options: KafkaTopicSourceOptions) {}

  async start(handlers: { onMessages(m: StreamMessage[]): void; onState(s: ConnectionState): void }) {
    const tsPath = this.options.timestampField ? parseJsonPath(this.options.timestampField) : undefined;
    const kafka = new Kafka({
      clientId: this.options.clientId ?? 'stacktalk-stream-viewer',
      brokers: this.options.brokers,
      ssl: this.options.ssl,
      sasl: this.options.sasl as any,
      logLevel: logLevel.NOTHING,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    const consumer = kafka.consumer({ groupId: `stacktalk-stream-viewer-${randomUUID()}`, maxWaitTimeInMs: 1000, retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 } });
    this.consumer = consumer;
    handlers.onState({ state: 'connecting', since: Date.now() });
    // kafkajs retries a lost broker quietly; a fetch is answered at least every maxWaitTime
    // (1 s here), so silence for longer means the broker is gone.
    let lastFetch = 0;
    let live = false;
    const setLive = () => {
      lastFetch = Date.now();
      if (!live) {
        live = true;
        handlers.onState({ state: 'live', since: lastFetch });
      }
    };
    consumer.on(consumer.events.FETCH, setLive);
    consumer.on(consumer.events.GROUP_JOIN, setLive);
    this.watchdog = setInterval(() => {
      if (live && Date.now() - lastFetch > 5000) {
        live = false;
        handlers.onState({ state: 'reconnecting', reason: `no answer from the brokers for ${Math.round((Date.now() - lastFetch) / 1000)} s`, since: Date.now() });
      }
    }, 1000);
    this.watchdog.unref?.();
    consumer.on(consumer.events.CRASH, e => handlers.onState({ state: 'reconnecting', reason: String(e.payload.error?.message ?? 'consumer crashed'), since: Date.now() }));
    consumer.on(consumer.events.REQUEST_TIMEOUT, () => handlers.onState({ state: 'reconnecting', reason: 'request timed out', since: Date.now() }));
    consumer.on(consumer.events.DISCONNECT, () => handlers.onState({ state: 'reconnecting', reason: 'disconnected from the broker', since: Date.now() }));
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const messages: StreamMessage[] = batch.messages.map(m => {
          const bytes = m.value ?? Buffer.alloc(0);
          const decoded = decodePayload(bytes);
          const brokerTime = Number(m.timestamp) || Date.now();
          return {
            id: `${batch.partition}:${m.offset}`,
            partition: batch.partition,
            timestamp: tsPath && decoded.kind === 'json' ? toTimestamp(getAtPath(decoded.value, tsPath), brokerTime) : brokerTime,
            key: m.key?.toString('utf8'),
            decoded,
            size: bytes.length,
          };
        });
        handlers.onMessages(messages);
      },
    });
  }

  async stop() {
    clearInterval(this.watchdog);
    await this.consumer?.disconnect().catch(() => {});
  }
}
