/* eslint-disable no-console */
/**
 * Local demo broker: `node --require @backstage/cli/config/nodeTransform.cjs
 * plugins/stream-viewer-backend/dev/kafka-mock/cli.ts stacktalk.telemetry.raw:6 brand_signals:3`
 * prints the bootstrap address (put it in streamViewer.kafka.clusters[].brokers) and runs until
 * Ctrl-C.
 */
import { startKafkaMock } from './kafkaMock';

startKafkaMock(process.argv.slice(2).length ? process.argv.slice(2) : ['stacktalk.telemetry.raw:6', 'stacktalk.metrics.api-latency:3', 'brand_signals:3']).then(
  mock => {
    console.log(`Kafka mock broker at ${mock.bootstrap}`);
    process.on('SIGINT', () => mock.stop().then(() => process.exit(0)));
  },
  error => {
    console.error(error.message);
    process.exit(1);
  },
);
