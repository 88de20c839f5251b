import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { KafkaMock } from '../../dev/kafka-mock/kafkaMock';
import { startBroker, until } from './__testUtils__/kafkaBroker';
import { KafkaTopicSource } from './KafkaTopicSource';
import { endTailThread } from './kafkaTail';
import { StreamHub, type Snapshot } from './StreamHub';
import { startOf, type MessageBatch } from './types';
import { kafkaTopicInfo } from './StreamInfo';

jest.setTimeout(120_000);

/** A batch's messages, copied out (the batch is valid only during the call). */
function messagesOf(batch: MessageBatch) {
  const data = Buffer.from(batch.data);
  return Array.from(batch.ends, (end, k) => {
    const start = startOf(batch, k);
    const keyLength = batch.keyLengths[k];
    return {
      partition: batch.partitions[k],
      offset: batch.offsets[k],
      key:
        keyLength < 0
          ? undefined
          : data.toString('utf8', start, start + keyLength),
      bytes: [...data.subarray(start + Math.max(0, keyLength), end)],
      time: batch.times[k],
    };
  });
}

describe("Kafka topics through the hub, against librdkafka's mock broker (the real Kafka protocol)", () => {
  let mock: KafkaMock;
  let producer: Producer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ mock, producer, stop } = await startBroker([
      'stacktalk.telemetry.raw:3',
      'stacktalk.history:2',
      'stacktalk.retained:2',
      'stacktalk.keyed:2',
      'stacktalk.thread:1',
      'stacktalk.slots:1',
      'stacktalk.kept:1',
    ]));
  });
  afterAll(() => stop());
  /** A hub reading topics of the mock broker, event times from `$.ts`. */
  const kafkaHub = () =>
    new StreamHub({
      graceMs: 100,
      createSource: t =>
        new KafkaTopicSource({
          brokers: [mock.bootstrap],
          topic: t,
          timestampField: '$.ts',
        }),
    });

  it("hands every message over intact from the reader's thread: keys or none, empty, missing and binary values, offsets, times", async () => {
    const topic = 'stacktalk.keyed';
    await producer.send({
      topic,
      messages: [
        {
          partition: 0,
          key: 'a',
          value: '{"x":1}',
          timestamp: '1700000000000',
        },
        { partition: 1, key: null, value: Buffer.from([0, 255, 1]) },
        { partition: 0, key: 'ünï-key', value: '' },
        { partition: 0, key: 'tombstone', value: null },
      ],
    });
    const source = new KafkaTopicSource({
      brokers: [mock.bootstrap],
      topic,
      fromBeginning: true,
    });
    const got: Array<Record<string, unknown>> = [];
    const states: string[] = [];
    await source.start({
      onMessages: batch => got.push(...messagesOf(batch)),
      onState: s => states.push(s.state),
    });
    await until(() => got.length === 4, 'the four messages');
    await source.stop();
    got.sort(
      (a, b) =>
        (a.partition as number) - (b.partition as number) ||
        (a.offset as number) - (b.offset as number),
    );
    const text = (t: string) => [...Buffer.from(t)];
    expect(got).toEqual([
      {
        partition: 0,
        offset: 0,
        key: 'a',
        bytes: text('{"x":1}'),
        time: 1700000000000,
      },
      {
        partition: 0,
        offset: 1,
        key: 'ünï-key',
        bytes: [],
        time: expect.any(Number),
      },
      {
        partition: 0,
        offset: 2,
        key: 'tombstone',
        bytes: [],
        time: expect.any(Number),
      },
      {
        partition: 1,
        offset: 0,
        key: undefined,
        bytes: [0, 255, 1],
        time: expect.any(Number),
      },
    ]);
    expect(Math.abs((got[1].time as number) - Date.now())).toBeLessThan(60_000);
    expect(states).toEqual(['connecting', 'live']);
  });

  it('hands over batches of growing sizes intact through the shared memory the thread fills again', async () => {
    const topic = 'stacktalk.slots';
    const source = new KafkaTopicSource({
      brokers: [mock.bootstrap],
      topic,
      fromBeginning: true,
    });
    const got: string[] = [];
    await source.start({
      onMessages: batch =>
        got.push(
          ...messagesOf(batch).map(m => Buffer.from(m.bytes).toString()),
        ),
      onState: () => {},
    });
    // Each send is read before the next one: a slot is taken back and filled again, and grows
    // (anew) for a batch bigger than it.
    const sent: string[] = [];
    for (const [count, size] of [
      [5, 10],
      [20, 1000],
      [3, 10],
      [100, 4000],
      [50, 100],
      [100, 4000],
    ]) {
      const values = Array.from(
        { length: count },
        (_, i) =>
          `${sent.length + i}:${String.fromCharCode(
            97 + ((sent.length + i) % 26),
          ).repeat(size)}`,
      );
      sent.push(...values);
      await producer.send({
        topic,
        messages: values.map(value => ({ value })),
      });
      await until(() => got.length === sent.length, `${sent.length} messages`);
    }
    await source.stop();
    expect(got).toEqual(sent);
  });

  it('keeps what it read intact in the hub while the Kafka thread fills its memory again', async () => {
    const topic = 'stacktalk.kept';
    const hub = kafkaHub();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      topic,
      { windowMs: 60_000, fields: ['$.n'], payloads: true },
      s => {
        snap = s;
      },
    );
    await until(() => snap?.connection.state === 'live', 'live');
    // Eight producer batches, which the broker answers one per fetch: batches follow each other
    // faster than the hub's ticks, each in memory the thread fills again.
    const sent: Array<{ ts: number; n: number; pad: string }> = [];
    for (let round = 0; round < 8; round++) {
      const values = Array.from({ length: 3 }, (_, i) => ({
        ts: Date.now(),
        n: sent.length + i,
        pad: 'x'.repeat(((round * 37) % 90) + i),
      }));
      sent.push(...values);
      await producer.send({
        topic,
        messages: values.map(v => ({ value: JSON.stringify(v) })),
      });
    }
    await until(() => snap?.latest?.length === sent.length, 'the latest');
    expect(snap!.latest!.map(m => m.value)).toEqual([...sent].reverse());
    off();
    await hub.close();
  });

  it("goes on, on a new thread, when the reader's thread dies", async () => {
    const topic = 'stacktalk.thread';
    const hub = kafkaHub();
    let snap: Snapshot | undefined;
    const reasons: string[] = [];
    const off = hub.subscribe(
      topic,
      { windowMs: 60_000, fields: ['$.n'], payloads: true },
      s => {
        snap = s;
        if (s.connection.state === 'reconnecting')
          reasons.push(s.connection.reason ?? '');
      },
    );
    const send = (n: number) =>
      producer.send({
        topic,
        messages: [{ value: JSON.stringify({ ts: Date.now(), n }) }],
      });
    await until(() => snap?.connection.state === 'live', 'live');
    await send(1);
    await until(() => snap?.totals.messages === 1, 'the first message');
    await endTailThread();
    await until(() => reasons.length > 0, 'reconnecting');
    expect(reasons[0]).toMatch(
      /the Kafka reader's thread ended \(exit code 1\)/,
    );
    await until(() => snap?.connection.state === 'live', 'live again');
    // The new thread's consumer tails from when it joined: send until one arrives.
    for (let n = 2; snap!.totals.messages < 2 && n < 120; n++) {
      await send(n);
      await new Promise(r => setTimeout(r, 500));
    }
    expect(snap!.totals.messages).toBeGreaterThanOrEqual(2);
    expect(snap!.series['$.n'].map(([, v]) => v)).toContain(1);
    off();
    await hub.close();
  });

  it('charts per-partition rates and fields, and resumes by itself after the broker goes down and up', async () => {
    const hub = kafkaHub();
    let snap: Snapshot | undefined;
    const states: string[] = [];
    const off = hub.subscribe(
      'stacktalk.telemetry.raw',
      { windowMs: 60_000, fields: ['$.duration_ms'], payloads: true },
      s => {
        snap = s;
        if (states[states.length - 1] !== s.connection.state)
          states.push(s.connection.state);
      },
    );
    await until(() => snap?.connection.state === 'live', 'live');
    // Rates start at the first whole second after the reader went live (the hub may not have
    // seen all of the second before): send in the next one.
    await new Promise(r => setTimeout(r, 1010 - (Date.now() % 1000)));
    const send = (n: number, from: number) =>
      producer.send({
        topic: 'stacktalk.telemetry.raw',
        messages: Array.from({ length: n }, (_, i) => ({
          partition: (from + i) % 3,
          value: JSON.stringify({ ts: Date.now(), duration_ms: from + i }),
        })),
      });
    await send(30, 0);
    await until(() => snap?.totals.messages === 30, '30 messages');
    // Rates cover complete seconds: the partitions appear once the second of the messages is over.
    await until(
      () => Object.keys(snap?.ratePerPartition ?? {}).length === 3,
      'rates of three partitions',
    );
    expect(Object.keys(snap!.ratePerPartition!).sort()).toEqual([
      '0',
      '1',
      '2',
    ]);
    expect(snap!.series['$.duration_ms']).toHaveLength(30);
    expect(snap!.latest![0].id).toMatch(/^\d:\d+$/);

    await mock.down();
    await until(
      () => snap?.connection.state === 'reconnecting',
      'reconnecting',
      90_000,
    );
    await mock.up();
    await send(10, 100);
    await until(
      () => snap?.totals.messages === 40,
      'the 10 messages after the broker came back',
      90_000,
    );
    expect(states).toEqual(expect.arrayContaining(['live', 'reconnecting']));
    off();
    await hub.close();
  });

  it('says why it cannot reach a broker that is down at start, and goes live once it is up', async () => {
    await mock.down();
    const hub = kafkaHub();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      'stacktalk.telemetry.raw',
      { windowMs: 60_000, fields: [], payloads: false },
      s => {
        snap = s;
      },
    );
    try {
      await until(
        () => snap?.connection.state === 'reconnecting',
        'reconnecting',
        30_000,
      );
      expect(snap!.connection.reason).toMatch(
        /^cannot reach the brokers \(Connection error: connect ECONNREFUSED 127\.0\.0\.1:\d+\); retrying$/,
      );
      // A report's sample answers with that state, without waiting for the history (which
      // waits up to 30 s for the reader to be live) or until its own timeout.
      const sampled = await hub.sample(
        'stacktalk.telemetry.raw',
        { windowMs: 300_000, fields: [] },
        60_000,
      );
      expect(sampled?.connection.state).toBe('reconnecting');
      expect(sampled?.backfill?.state).toBe('loading');
    } finally {
      await mock.up();
    }
    await until(
      () => snap?.connection.state === 'live',
      'live once the broker is up',
      90_000,
    );
    expect(snap!.connection.reason).toBeUndefined();
    off();
    await hub.close();
  });

  it("reports high-water marks and the services' consumer-group lag, and never commits into their groups", async () => {
    const kafka = new Kafka({
      brokers: [mock.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    await producer.send({
      topic: 'stacktalk.telemetry.raw',
      messages: Array.from({ length: 9 }, (_, i) => ({
        partition: i % 3,
        value: `${i}`,
      })),
    });
    // A "service" consumer group that reads and commits everything there is now.
    const service = kafka.consumer({ groupId: 'telemetry-ingest' });
    await service.connect();
    await service.subscribe({
      topic: 'stacktalk.telemetry.raw',
      fromBeginning: true,
    });
    let seen = 0;
    await service.run({ eachMessage: async () => void seen++ });
    const cluster = { name: 'mock', brokers: [mock.bootstrap], ssl: false };
    await until(() => seen >= 49, 'the service group to read everything');
    await service.disconnect();
    const before = await kafkaTopicInfo(cluster, 'stacktalk.telemetry.raw', [
      'telemetry-ingest',
    ]);
    const ingest = before.groups.find(g => g.groupId === 'telemetry-ingest')!;
    expect(before.partitions.map(p => p.partition)).toEqual([0, 1, 2]);
    expect(ingest.lag).toBe(0);

    // The viewer tails the topic while more arrives: the service group's offsets do not move.
    const hub = new StreamHub({
      graceMs: 50,
      createSource: topic =>
        new KafkaTopicSource({ brokers: [mock.bootstrap], topic }),
    });
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      'stacktalk.telemetry.raw',
      { windowMs: 60_000, fields: [], payloads: false },
      s => void (snap = s),
    );
    await until(() => snap?.connection.state === 'live', 'live');
    await producer.send({
      topic: 'stacktalk.telemetry.raw',
      messages: Array.from({ length: 6 }, (_, i) => ({
        partition: i % 3,
        value: `${i}`,
      })),
    });
    await until(() => snap?.totals.messages === 6, 'the viewer to see 6');
    const after = await kafkaTopicInfo(cluster, 'stacktalk.telemetry.raw', [
      'telemetry-ingest',
    ]);
    const ingestAfter = after.groups.find(
      g => g.groupId === 'telemetry-ingest',
    )!;
    expect(ingestAfter.partitions.map(p => p.committed)).toEqual(
      ingest.partitions.map(p => p.committed),
    );
    expect(ingestAfter.lag).toBe(6);
    off();
    await hub.close();
  });

  it('starts from the last N minutes or from an offset by reading history on a consumer of its own', async () => {
    const topic = 'stacktalk.history';
    // Event times 10 ms apart (sent back to back, two messages could share a millisecond and
    // then an offset's neighbour would fall inside that offset's view).
    const base = Date.now() - 60_000;
    for (let i = 0; i < 40; i++)
      await producer.send({
        topic,
        messages: [
          {
            partition: i % 2,
            value: JSON.stringify({ ts: base + i * 10, seq: i }),
          },
        ],
      });
    const hub = kafkaHub();
    const snaps: Record<string, Snapshot> = {};
    const view = (name: string, start: any) =>
      hub.subscribe(
        topic,
        { windowMs: 300_000, fields: ['$.seq'], payloads: true, start },
        s => void (snaps[name] = s),
      );
    const offs = [
      view('minutes', { kind: 'time', at: Date.now() - 120_000 }),
      view('offset', { kind: 'offset', partition: 1, offset: '15' }),
    ];
    await until(
      () =>
        snaps.minutes?.backfill?.state === 'done' &&
        snaps.offset?.backfill?.state === 'done',
      'history read',
    );
    // librdkafka's mock answers every ListOffsets-by-time with the end; the source notices and scans.
    expect(snaps.minutes.backfill).toEqual({
      state: 'done',
      loaded: 40,
      reason: expect.stringContaining('cannot look offsets up by time'),
    });
    await until(
      () => snaps.minutes.totals.matched === 40,
      'the history in the chart',
    );
    expect(
      snaps.minutes.series['$.seq'].map(([, v]) => v).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // Partition 1 holds seq 1, 3, …, 39 at offsets 0-19: offsets 15-19 are seq 31-39.
    expect(snaps.offset.backfill!.state).toBe('done');
    const fromOffset = snaps.offset
      .latest!.filter(m => m.partition === 1)
      .map(m => Number(m.id.split(':')[1]));
    expect(Math.min(...fromOffset)).toBe(15);
    offs.forEach(off => off());
    await hub.close();

    const wrong = new KafkaTopicSource({ brokers: [mock.bootstrap], topic });
    await expect(
      wrong.backfill(
        { kind: 'offset', partition: 7, offset: '0' },
        Date.now(),
        () => {},
        10,
      ),
    ).rejects.toThrow(
      'partition 7 does not exist: stacktalk.history has partitions 0-1',
    );
  });
  it('says history is complete only from the first retained message when retention deleted older ones', async () => {
    const topic = 'stacktalk.retained';
    // The mock keeps about 5 MB per partition: the first of six 1 MB sends to partition 0 is
    // deleted. Partition 1 keeps its few messages, a second older than partition 0's first left.
    const base = Date.now() - 240_000;
    const pad = 'x'.repeat(1000);
    const message = (partition: number, ts: number) => ({
      partition,
      timestamp: String(ts),
      value: JSON.stringify({ ts, pad }),
    });
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, k) =>
        message(1, base + 19_000 + k * 20),
      ),
    });
    for (let send = 0; send < 6; send++)
      await producer.send({
        topic,
        messages: Array.from({ length: 1000 }, (_, k) =>
          message(0, base + (send * 1000 + k) * 20),
        ),
      });
    const firstRetained = base + 1000 * 20;
    const hub = kafkaHub();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      topic,
      {
        windowMs: 300_000,
        fields: [],
        payloads: false,
        start: { kind: 'time', at: Date.now() - 300_000 },
      },
      s => void (snap = s),
    );
    await until(() => snap?.backfill?.state === 'done', 'history read');
    expect(snap!.backfill!.loaded).toBe(5010);
    // Counted over what the rates cover: partition 1's older messages are kept, not counted.
    expect(snap!.totals.matched).toBe(5000);
    expect(snap!.coverage.from).toBe(firstRetained);
    // Rates start where the history is complete: no made-up zeros before it.
    expect(snap!.rate[0][0]).toBe(Math.ceil(firstRetained / 1000) * 1000);
    expect(snap!.rate.slice(0, 90).every(([, n]) => n === 50)).toBe(true);
    off();
    await hub.close();
  });
});
