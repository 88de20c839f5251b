/** Entity tab "Streams": live charts of Kafka topics and Redis Streams (the stream-viewer plugin). */
export { streamViewerPlugin as default } from './plugin';
export {
  streamViewerApiRef,
  StreamViewerClient,
  type StreamViewerApi,
} from './api/StreamViewerClient';
export type * from './api/types';
