/** Live charts of Kafka topics and Redis Streams (in progress: backend only). */
export { streamViewerPlugin as default } from './plugin';
