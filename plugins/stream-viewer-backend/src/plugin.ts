import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { streamsPermissions } from '@stacktalk/plugin-stream-viewer-common';
import { KafkaTopicSource } from './service/KafkaTopicSource';
import { RedisStreamSource } from './service/RedisStreamSource';
import { StreamHub } from './service/StreamHub';
import { readStreamConfig, readStreamPolicy } from './service/StreamCatalog';
import { StreamClaims } from './service/StreamClaims';
import { SubscriptionLimits } from './service/SubscriptionLimits';
import { createRouter } from './service/router';

/** Live charts of Kafka topics and Redis Streams: /api/stream-viewer. */
export const streamViewerPlugin = createBackendPlugin({
  pluginId: 'stream-viewer',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        httpAuth,
        httpRouter,
        lifecycle,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(streamsPermissions);
        const servers = readStreamConfig(config);
        if (servers.kafka.length + servers.redis.length === 0)
          logger.info(
            'No streamViewer.kafka.clusters or streamViewer.redis.instances configured',
          );
        const hub = new StreamHub({
          // The router keys streams by {transport, server, name, timestampField}.
          createSource: key => {
            const { transport, server, name, timestampField } = JSON.parse(key);
            if (transport === 'kafka') {
              const cluster = servers.kafka.find(k => k.name === server)!;
              return new KafkaTopicSource({
                brokers: cluster.brokers,
                ssl: cluster.ssl,
                sasl: cluster.sasl,
                topic: name,
                timestampField,
              });
            }
            const instance = servers.redis.find(r => r.name === server)!;
            return new RedisStreamSource({
              url: instance.url,
              key: name,
              timestampField,
              clientName: `stacktalk-stream-viewer:${name}`,
            });
          },
        });
        lifecycle.addShutdownHook(() => hub.close());
        const { trustedLocations, limits } = readStreamPolicy(config);
        const claims = new StreamClaims({
          catalog,
          auth,
          servers,
          trustedLocations,
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            hub,
            servers,
            claims,
            limits: new SubscriptionLimits(limits),
          }),
        );
      },
    });
  },
});
