import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import { pluginsReadPermission } from '@stacktalk/plugin-plugin-manager-common';
import express from 'express';
import Router from 'express-promise-router';
import type { PluginManagerService } from './PluginManagerService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: PluginManagerService;
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, service } = options;
  const router = Router();

  async function authorize(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${permission.name === 'plugins.read' ? 'see the installed plugins' : 'manage plugins'}`);
    }
    return credentials;
  }

  /** Backend plugins and modules installed, with status, config, health, annotations and permissions. */
  router.get('/installed', async (req, res) => {
    const credentials = await authorize(req, pluginsReadPermission);
    res.json(await service.installed(credentials));
  });

  /** The README of an installed package, raw markdown. */
  router.get('/readme', async (req, res) => {
    await authorize(req, pluginsReadPermission);
    const name = req.query.package;
    if (typeof name !== 'string' || !PACKAGE_NAME.test(name)) {
      throw new InputError('Query parameter package must be a package name');
    }
    const readme = service.readme(name);
    if (readme === undefined) {
      throw new NotFoundError(`No README for ${name} among the installed packages`);
    }
    res.type('text/markdown; charset=utf-8').send(readme);
  });

  /** Packages the configured sources offer, with "update available" against what is installed. */
  router.get('/available', async (req, res) => {
    await authorize(req, pluginsReadPermission);
    res.json(await service.available());
  });

  return router;
}
