import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import { portalStatusReadPermission } from '../permissions';
import type { FeatureProbe } from './FeatureProbe';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  probe: FeatureProbe;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, probe } = options;
  const router = Router();

  router.get('/features', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission: portalStatusReadPermission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to read the portal status');
    }
    res.json({ features: probe.check() });
  });

  return router;
}
