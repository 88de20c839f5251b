import { createPermission } from '@backstage/plugin-permission-common';

/** Charts and rates of a stream: numbers derived from messages, never their contents. */
export const streamsMetricsReadPermission = createPermission({
  name: 'streams.metrics.read',
  attributes: { action: 'read' },
});

/** Raw message contents (the latest-messages table). */
export const streamsPayloadReadPermission = createPermission({
  name: 'streams.payload.read',
  attributes: { action: 'read' },
});

export const streamsPermissions = [streamsMetricsReadPermission, streamsPayloadReadPermission];
