import { createPermission } from '@backstage/plugin-permission-common';

/** Charts and rates of a stream: numbers derived from messages, never their contents. */
export const streamsMetricsReadPermission = createPermission({
  name: 'streams.metrics.read',
  attributes: { action: 'read' },
});

/**
 * Raw message contents (the latest-messages table), decided per stream: a resource permission
 * on the stream's catalog Resource, so a policy can grant it to the stream's owners only.
 */
export const streamsPayloadReadPermission = createPermission({
  name: 'streams.payload.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

export const streamsPermissions = [
  streamsMetricsReadPermission,
  streamsPayloadReadPermission,
];
