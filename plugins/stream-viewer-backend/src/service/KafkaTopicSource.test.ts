import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startKafkaMock, type KafkaMock } from '../../dev/kafka-mock/kafkaMock';
import { KafkaTopicSource } from './KafkaTopicSource';
import { StreamHub, type Snapshot } from './StreamHub';
import { kafkaTopicInfo } from './StreamInfo';

jest.setTimeout(120_000);

async function until(check: () => boolean, what: string, ms = 60_000) {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Kafka topics through the hub, against librdkafka\'s mock broker (the real Kafka protocol)', () => {
  let mock: KafkaMock;
  let producer: Producer;
  beforeAll(async () => {
    mock = await startKafkaMock(['stacktalk.telemetry.raw:3']);
    producer = new Kafka({ brokers: [mock.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await mock.stop();
  });

  it('charts per-partition rates and fields, and resumes by itself after the broker goes down and up', async () => {
    const hub = new StreamHub({ graceMs: 100, createSource: topic => new KafkaTopicSource({ brokers: [mock.bootstrap], topic, timestampField: '$.ts' }) });
    let snap: Snapshot | undefined;
    const states: string[] = [];
    const off = hub.subscribe('stacktalk.telemetry.raw', { windowMs: 60_000, fields: ['$.duration_ms'], payloads: true }, s => {
      snap = s;
      if (states[states.length - 1] !== s.connection.state) states.push(s.connection.state);
    });
    await until(() => snap?.connection.state === 'live', 'live');
    const send = (n: number, from: number) =>
      producer.send({ topic: 'stacktalk.telemetry.raw', messages: Array.from({ length: n }, (_, i) => ({ partition: (from + i) % 3, value: JSON.stringify({ ts: Date.now(), duration_ms: from + i }) })) });
    await send(30, 0);
    await until(() => snap?.totals.messages === 30, '30 messages');
    expect(Object.keys(snap!.ratePerPartition ?? {}).sort()).toEqual(['0', '1', '2']);
    expect(snap!.series['$.duration_ms']).toHaveLength(30);
    expect(snap!.latest![0].id).toMatch(/^\d:\d+$/);

    await mock.down();
    await until(() => snap?.connection.state === 'reconnecting', 'reconnecting', 90_000);
    await mock.up();
    await send(10, 100);
    await until(() => snap?.totals.messages === 40, 'the 10 messages after the broker came back', 90_000);
    expect(states).toEqual(expect.arrayContaining(['live', 'reconnecting']));
    off();
    await hub.close();
  });

  it("reports high-water marks and the services' consumer-group lag, and never commits into their groups", async () => {
    const kafka = new Kafka({ brokers: [mock.bootstrap], logLevel: logLevel.NOTHING });
    await producer.send({ topic: 'stacktalk.telemetry.raw', messages: Array.from({ length: 9 }, (_, i) => ({ partition: i % 3, value: `${i}` })) });
    // A "service" consumer group that reads and commits everything there is now.
    const service = kafka.consumer({ groupId: 'telemetry-ingest' });
    await service.connect();
    await service.subscribe({ topic: 'stacktalk.telemetry.raw', fromBeginning: true });
    let seen = 0;
    await service.run({ eachMessage: async () => void seen++ });
    const cluster = { name: 'mock', brokers: [mock.bootstrap], ssl: false };
    await until(() => seen >= 49, 'the service group to read everything');
    await service.disconnect();
    const before = await kafkaTopicInfo(cluster, 'stacktalk.telemetry.raw', ['telemetry-ingest']);
    const ingest = before.groups.find(g => g.groupId === 'telemetry-ingest')!;
    expect(before.partitions.map(p => p.partition)).toEqual([0, 1, 2]);
    expect(ingest.lag).toBe(0);

    // The viewer tails the topic while more arrives: the service group's offsets do not move.
    const hub = new StreamHub({ graceMs: 50, createSource: topic => new KafkaTopicSource({ brokers: [mock.bootstrap], topic }) });
    let snap: Snapshot | undefined;
    const off = hub.subscribe('stacktalk.telemetry.raw', { windowMs: 60_000, fields: [], payloads: false }, s => void (snap = s));
    await until(() => snap?.connection.state === 'live', 'live');
    await producer.send({ topic: 'stacktalk.telemetry.raw', messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % 3, value: `${i}` })) });
    await until(() => snap?.totals.messages === 6, 'the viewer to see 6');
    const after = await kafkaTopicInfo(cluster, 'stacktalk.telemetry.raw', ['telemetry-ingest']);
    const ingestAfter = after.groups.find(g => g.groupId === 'telemetry-ingest')!;
    expect(ingestAfter.partitions.map(p => p.committed)).toEqual(ingest.partitions.map(p => p.committed));
    expect(ingestAfter.lag).toBe(6);
    off();
    await hub.close();
  });
});
