import { Kafka, logLevel, type Producer } from 'kafkajs';
import {
  startKafkaMock,
  type KafkaMock,
} from '../../../dev/kafka-mock/kafkaMock';

/** Polls `check` every 50 ms until it holds; fails saying `what` it waited for after `ms`. */
export async function until(check: () => boolean, what: string, ms = 60_000) {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** librdkafka's mock broker with `topics` (`name:partitions`) and a kafkajs producer connected to it. */
export async function startBroker(topics: string[]) {
  const mock: KafkaMock = await startKafkaMock(topics);
  const producer: Producer = new Kafka({
    brokers: [mock.bootstrap],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  return {
    mock,
    producer,
    async stop() {
      await producer.disconnect();
      await mock.stop();
    },
  };
}
