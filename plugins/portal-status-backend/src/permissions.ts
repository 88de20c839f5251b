import { createPermission } from '@backstage/plugin-permission-common';

/** Read which optional features this installation can run. */
export const portalStatusReadPermission = createPermission({
  name: 'portal.status.read',
  attributes: { action: 'read' },
});
