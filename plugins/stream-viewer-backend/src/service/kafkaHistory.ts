import type { Kafka, KafkaConfig, KafkaMessage } from 'kafkajs';
import type { MessageBatch } from './types';

/** A read of history, as the main thread asks the Kafka thread for it (plain data). */
export interface HistoryJob {
  /** The client's configuration: plain data (no functions), for the thread to clone. */
  config: Omit<KafkaConfig, 'logCreator' | 'logLevel'>;
  groupId: string;
  topic: string;
  /** [partition, first offset to read] for each partition read. */
  starts: Array<[number, number]>;
  /** [partition, high-water mark when the read began] for every partition of the topic. */
  ends: Array<[number, number]>;
  /** Partitions read from their earliest retained offset, above 0: older messages are gone. */
  truncated: number[];
  /** Stop at the first message at or after this time (where the live reader started). */
  until: number;
  /** Leave out messages before this time (a scan from the earliest offset). */
  notBefore: number;
  limit: number;
}

/** A batch kafkajs could not decode, skipped: its partition, offsets and why (history and tail alike). */
export interface UndecodableEvent {
  type: 'undecodable';
  partition: number;
  from: string;
  to: string;
  reason: string;
}

export type HistoryEvent =
  | { type: 'history-batch'; batch: MessageBatch }
  | UndecodableEvent
  /** `completeFrom`: the time of the first message of a truncated partition (the latest of them). */
  | { type: 'history-done'; completeFrom?: number }
  | { type: 'failed'; message: string };

/**
 * Reads history on the Kafka thread, with the kafkajs there (every codec, and batches it cannot
 * decode skipped and reported, as for the live tail): a throwaway consumer group that never
 * commits, seeking to `starts` and reading each partition up to its end, `until` or `limit`.
 * Each partition's messages are posted as a `MessageBatch` whose buffers are transferred.
 *
 * Self-contained: its source is run on the Kafka thread (`kafkaTail`).
 */
export function readHistory(
  kafka: Kafka,
  job: HistoryJob,
  post: (event: HistoryEvent, transfer?: ArrayBuffer[]) => void,
) {
  const { topic, until, notBefore, limit } = job;
  const ends = new Map(job.ends);
  const pending = new Set(
    job.starts.filter(([p, start]) => start < ends.get(p)!).map(([p]) => p),
  );
  const truncated = new Set(job.truncated);
  let completeFrom: number | undefined;
  let read = 0;
  let finished = false;
  const consumer = kafka.consumer({
    groupId: job.groupId,
    maxWaitTimeInMs: 500,
    retry: { retries: 3 },
  });
  const finish = (event: HistoryEvent) => {
    if (finished) return;
    finished = true;
    consumer
      .disconnect()
      .catch(() => {})
      .then(() => post(event));
  };

  /** A partition's messages in columns, bytes as they came (keys included). */
  function pack(partition: number, messages: KafkaMessage[]) {
    const n = messages.length;
    let size = 0;
    for (const m of messages)
      size += (m.key ? m.key.length : 0) + (m.value ? m.value.length : 0);
    const batch: MessageBatch = {
      partitions: new Int32Array(n).fill(partition),
      offsets: new Float64Array(n),
      times: new Float64Array(n),
      ends: new Uint32Array(n),
      keyLengths: new Int32Array(n),
      data: new Uint8Array(size),
    };
    let at = 0;
    messages.forEach((m, i) => {
      if (m.key) {
        batch.data.set(m.key, at);
        at += m.key.length;
        batch.keyLengths[i] = m.key.length;
      } else batch.keyLengths[i] = -1;
      if (m.value) {
        batch.data.set(m.value, at);
        at += m.value.length;
      }
      batch.ends[i] = at;
      batch.offsets[i] = Number(m.offset);
      batch.times[i] = Number(m.timestamp) || Date.now();
    });
    const {
      partitions,
      offsets,
      times,
      ends: bounds,
      keyLengths,
      data,
    } = batch;
    post({ type: 'history-batch', batch }, [
      partitions.buffer as ArrayBuffer,
      offsets.buffer as ArrayBuffer,
      times.buffer as ArrayBuffer,
      bounds.buffer as ArrayBuffer,
      keyLengths.buffer as ArrayBuffer,
      data.buffer as ArrayBuffer,
    ]);
  }

  consumer.on(consumer.events.CRASH, e =>
    finish({
      type: 'failed',
      message: String(e.payload.error?.message ?? e.payload.error),
    }),
  );
  (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const p = batch.partition;
        if (finished || !pending.has(p)) return;
        const end = ends.get(p)!;
        const out: KafkaMessage[] = [];
        if (truncated.delete(p) && batch.messages.length)
          completeFrom = Math.max(
            completeFrom ?? 0,
            Number(batch.messages[0].timestamp),
          );
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          // A batch the thread's decoder could not read (see `readPastUndecodable`).
          const skipped = (
            m as { undecodable?: { from: string; reason: string } }
          ).undecodable;
          if (skipped) {
            if (Number(skipped.from) < end)
              post({
                type: 'undecodable',
                partition: p,
                from: skipped.from,
                to: m.offset,
                reason: skipped.reason,
              });
            if (offset >= end - 1) pending.delete(p);
            continue;
          }
          if (offset >= end || Number(m.timestamp) >= until || read >= limit) {
            pending.delete(p);
            break;
          }
          if (offset === end - 1) pending.delete(p);
          if (Number(m.timestamp) < notBefore) continue;
          out.push(m);
          read++;
        }
        if (out.length) pack(p, out);
        if (pending.size === 0 || read >= limit)
          finish({ type: 'history-done', completeFrom });
      },
    });
    for (const [partition, offset] of job.starts)
      if (pending.has(partition))
        consumer.seek({ topic, partition, offset: String(offset) });
    const idle = job.ends.map(([p]) => p).filter(p => !pending.has(p));
    if (idle.length) consumer.pause([{ topic, partitions: idle }]);
  })().catch(e => finish({ type: 'failed', message: String(e?.message ?? e) }));
  return {
    stop: () => finish({ type: 'failed', message: 'stopped' }),
  };
}
