import { execFileSync } from 'node:child_process';
import { CompressionCodecs, CompressionTypes, type Producer } from 'kafkajs';
import type { KafkaMock } from '../../dev/kafka-mock/kafkaMock';
import { startBroker, until } from './__testUtils__/kafkaBroker';
import { produceTransactions } from '../../dev/kafka-mock/txnProducer';
import { KafkaTopicSource } from './KafkaTopicSource';
import { endTailThread } from './kafkaTail';
import { StreamHub, type Snapshot } from './StreamHub';
import { startOf, type MessageBatch } from './types';

jest.setTimeout(120_000);

/** `partition:offset=key/value` for each message of a batch (valid only during the call). */
function linesOf(batch: MessageBatch) {
  const data = Buffer.from(batch.data);
  return Array.from(batch.ends, (end, k) => {
    const start = startOf(batch, k);
    const keyLength = batch.keyLengths[k];
    const key =
      keyLength < 0 ? '' : data.toString('utf8', start, start + keyLength);
    const value = data.toString('utf8', start + Math.max(0, keyLength), end);
    return `${batch.partitions[k]}:${batch.offsets[k]}=${key}/${value}`;
  });
}

const byOffset = (lines: string[]) =>
  [...lines].sort((a, b) => {
    const [pa, oa] = a.split('=')[0].split(':').map(Number);
    const [pb, ob] = b.split('=')[0].split(':').map(Number);
    return pa - pb || oa - ob;
  });

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

describe('Kafka topics written by a producer that is not kafkajs (kcat, librdkafka): every codec', () => {
  let mock: KafkaMock;
  let producer: Producer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ mock, producer, stop } = await startBroker([
      'stacktalk.codecs:2',
      'stacktalk.broken:1',
      'stacktalk.txn:1',
      'stacktalk.noticed:1',
    ]));
  });
  afterAll(async () => {
    await endTailThread();
    await stop();
  });

  /** Produces `lines` (`key:value`) with kcat (librdkafka) to one partition, as one batch of `codec`. */
  const kcat = (
    topic: string,
    partition: number,
    codec: string,
    lines: string[],
    settings: string[] = [],
  ) =>
    execFileSync(
      'kcat',
      [
        '-P',
        '-b',
        mock.bootstrap,
        '-t',
        topic,
        '-p',
        String(partition),
        '-z',
        codec,
        '-K',
        ':',
        ...settings.flatMap(setting => ['-X', setting]),
      ],
      { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'pipe', 'pipe'] },
    );

  /** The live tail of `topic` from its end: what it hands over, its notices and states. */
  async function tail(topic: string) {
    const source = new KafkaTopicSource({ brokers: [mock.bootstrap], topic });
    const seen = {
      lines: [] as string[],
      notices: [] as string[],
      states: [] as string[],
    };
    await source.start({
      onMessages: batch => seen.lines.push(...linesOf(batch)),
      onState: s => seen.states.push(s.state),
      onNotice: text => seen.notices.push(text),
    });
    await until(() => seen.states.includes('live'), 'the tail to be live');
    return { source, seen };
  }

  it('reads gzip, snappy, lz4 and zstd batches, mixed in one partition, plain and idempotent, live and in history', async () => {
    const topic = 'stacktalk.codecs';
    const { source, seen } = await tail(topic);
    const expected: string[] = [];
    // Each codec twice per partition, in turns: every partition holds batches of every codec.
    // The second round from an idempotent producer (producer id, epoch and sequences set).
    for (const round of [1, 2])
      for (const codec of CODECS)
        for (const partition of [0, 1]) {
          const lines = [1, 2, 3].map(
            i =>
              `${codec}-${round}-${i}:{"codec":"${codec}","n":${i},"pad":"${'x'.repeat(
                200,
              )}"}`,
          );
          kcat(
            topic,
            partition,
            codec,
            lines,
            round === 2 ? ['enable.idempotence=true'] : [],
          );
          lines.forEach(line => {
            const offset = expected.filter(e =>
              e.startsWith(`${partition}:`),
            ).length;
            expected.push(`${partition}:${offset}=${line.replace(':', '/')}`);
          });
        }
    await until(
      () => seen.lines.length >= expected.length,
      'every message live',
    );
    expect(byOffset(seen.lines)).toEqual(byOffset(expected));
    expect(seen.notices).toEqual([]);
    expect(seen.states).toEqual(['connecting', 'live']);

    const history: string[] = [];
    await source.backfill(
      { kind: 'offset', offset: '0' },
      Date.now() + 60_000,
      batch => history.push(...linesOf(batch)),
      1000,
    );
    expect(byOffset(history)).toEqual(byOffset(expected));
    await source.stop();
  });

  /** kafkajs, in this process, producing with a codec entry of the test's own for one send. */
  async function sendWith(
    codec: number,
    entry: unknown,
    value: string,
    topic = 'stacktalk.broken',
  ) {
    const codecs = CompressionCodecs as Record<number, unknown>;
    const kept = codecs[codec];
    codecs[codec] = () => entry;
    try {
      await producer.send({
        topic,
        compression: codec,
        messages: [{ value }, { value: `${value}-2` }],
      });
    } finally {
      codecs[codec] = kept;
    }
  }

  it('skips a batch it cannot decode (unknown codec, corrupt lz4), says where and why, and stays live; so does history', async () => {
    const topic = 'stacktalk.broken';
    const { source, seen } = await tail(topic);
    kcat(topic, 0, 'lz4', ['k:before']); // offset 0
    // offsets 1-2: codec 5, which Kafka does not define
    await sendWith(5, { compress: async (e: any) => e.buffer }, 'codec-5');
    // offsets 3-4: lz4 by its attributes, but not an lz4 frame
    await sendWith(
      CompressionTypes.LZ4,
      { compress: async () => Buffer.from('this is not an lz4 frame') },
      'bad-lz4',
    );
    kcat(topic, 0, 'zstd', ['k:after']); // offset 5
    await until(
      () => seen.lines.length >= 2,
      'the messages around the bad batches',
    );
    await new Promise(r => setTimeout(r, 500));
    expect(seen.lines).toEqual(['0:0=k/before', '0:5=k/after']);
    expect(seen.notices).toEqual([
      'partition 0, offsets 1–2: a batch that could not be decoded was skipped (unknown compression codec 5)',
      expect.stringMatching(
        /^partition 0, offsets 3–4: a batch that could not be decoded was skipped \(.+\)$/,
      ),
    ]);
    // Live all along: no reconnecting, no loop.
    expect(seen.states).toEqual(['connecting', 'live']);
    const history: string[] = [];
    const started = Date.now();
    const outcome = await source.backfill(
      { kind: 'offset', offset: '0' },
      Date.now() + 60_000,
      batch => history.push(...linesOf(batch)),
      1000,
    );
    // History is read on the Kafka thread too: past both, each reported on the stream.
    expect(history).toEqual(['0:0=k/before', '0:5=k/after']);
    expect(outcome).toEqual({ note: undefined, completeFrom: undefined });
    expect(seen.notices.slice(2)).toEqual(seen.notices.slice(0, 2));
    expect(Date.now() - started).toBeLessThan(30_000);
    await source.stop();
    // Without a live reader to tell, the history's note says it.
    const alone = new KafkaTopicSource({ brokers: [mock.bootstrap], topic });
    const read: string[] = [];
    const { note } = await alone.backfill(
      { kind: 'offset', offset: '0' },
      Date.now() + 60_000,
      batch => read.push(...linesOf(batch)),
      1000,
    );
    expect(read).toEqual(['0:0=k/before', '0:5=k/after']);
    expect(note).toBe(seen.notices.slice(0, 2).join('; '));
  });

  it("reads a librdkafka transactional producer's lz4 batches, live and in history", async () => {
    const topic = 'stacktalk.txn';
    const { source, seen } = await tail(topic);
    produceTransactions(mock.bootstrap, topic, 'lz4', [
      'commit:committed-1,committed-2',
      'abort:aborted-1',
      'commit:committed-3',
    ]);
    kcat(topic, 0, 'zstd', ['k:after']);
    await until(
      () => seen.lines.some(l => l.endsWith('/after')),
      'the message after the transactions',
    );
    const read = (lines: string[]) => lines.filter(l => !l.includes('aborted'));
    expect(read(seen.lines)).toEqual([
      '0:0=/committed-1',
      '0:1=/committed-2',
      expect.stringMatching(/^0:\d+=\/committed-3$/),
      expect.stringMatching(/^0:\d+=k\/after$/),
    ]);
    // librdkafka's mock broker writes no commit/abort markers and lists no aborted transaction
    // (librdkafka's own read_committed consumer shows 'aborted-1' too): the aborted message
    // cannot be told apart here. That it is left out is tested on broker batches in
    // kafkaDecoding.test.ts.
    expect(seen.notices).toEqual([]);
    expect(seen.states).toEqual(['connecting', 'live']);
    const history: string[] = [];
    await source.backfill(
      { kind: 'offset', offset: '0' },
      Date.now() + 60_000,
      batch => history.push(...linesOf(batch)),
      1000,
    );
    expect(history).toEqual(seen.lines);
    await source.stop();
  });

  it('puts a skipped batch in the snapshots of every viewer, with or without payload access', async () => {
    const topic = 'stacktalk.noticed';
    const hub = new StreamHub({
      graceMs: 100,
      createSource: t =>
        new KafkaTopicSource({ brokers: [mock.bootstrap], topic: t }),
    });
    const last: Array<Snapshot | undefined> = [undefined, undefined];
    const offs = [true, false].map((payloads, i) =>
      hub.subscribe(topic, { windowMs: 60_000, fields: [], payloads }, s => {
        last[i] = s;
      }),
    );
    await until(
      () => last.every(s => s?.connection.state === 'live'),
      'both views live',
    );
    kcat(topic, 0, 'snappy', ['k:before']);
    await sendWith(
      6,
      { compress: async (e: any) => e.buffer },
      'codec-6',
      topic,
    );
    kcat(topic, 0, 'snappy', ['k:after']);
    await until(
      () => last.every(s => s?.totals.messages === 2 && s.notices?.length),
      'the notice in both views',
    );
    for (const s of last) {
      expect(s!.notices).toEqual([
        'partition 0, offsets 1–2: a batch that could not be decoded was skipped (unknown compression codec 6)',
      ]);
      expect(s!.connection.state).toBe('live');
    }
    offs.forEach(off => off());
    await hub.close();
  });
});
