import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  StreamViewerClient,
  streamViewerApiRef,
} from './api/StreamViewerClient';

const streamViewerApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: streamViewerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new StreamViewerClient(deps),
    }),
});

const entityStreamsContent = EntityContentBlueprint.make({
  params: {
    path: 'streams',
    title: 'Streams',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () => import('./components/StreamsTab').then(m => <m.StreamsTab />),
  },
});

/** Entity tab "Streams": live charts of the entity's Kafka topics and Redis Streams. */
export const streamViewerPlugin = createFrontendPlugin({
  pluginId: 'stream-viewer',
  title: 'Streams',
  extensions: [streamViewerApi, entityStreamsContent],
});
