import type { AuditorService, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import { pluginsManagePermission, pluginsReadPermission } from '@stacktalk/plugin-plugin-manager-common';
import express from 'express';
import Router from 'express-promise-router';
import semver from 'semver';
import { type BundleManager, BundleRejectedError, BundleTooLargeError } from './bundles';
import type { PluginManagerService } from './PluginManagerService';
import { restartSelf } from './restart';
import { replicasView } from './rolling';
import { publicChange, withPublicChanges } from './journal';

/** This process: the page tells a restarted backend by its boot id. */
export const BOOT = { id: `${process.pid}-${Date.now().toString(36)}`, startedAt: new Date().toISOString() };

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: PluginManagerService;
  auditor: AuditorService;
  /** Undefined when the backend has no dynamic plugins folder: the admin routes answer 503. */
  bundles?: BundleManager;
  /** Something starts the backend again when it exits (restart.ts `restartAvailable`). */
  restartEnabled?: boolean;
  /** Ends the backend to be started again; default `restartSelf` (tests replace it). */
  restart?: () => void;
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, service, auditor, bundles, restartEnabled } = options;
  const restart = options.restart ?? restartSelf;
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

  /**
   * Changes waiting for a restart, the set being applied (a restart under way), what became of
   * the last ones (live, or rolled back with the error), and this process's boot id: the page
   * polls this through a restart to show its progress.
   */
  router.get('/changes', async (req, res) => {
    await authorize(req, pluginsReadPermission);
    const state = bundles?.journal.read();
    const changes = (state?.pending ?? []).map(publicChange);
    res.json({
      restartNeeded: changes.length > 0,
      changes,
      restartAvailable: Boolean(restartEnabled && bundles),
      boot: BOOT,
      applying: state?.applying && withPublicChanges(state.applying),
      history: state?.history.slice(0, 5).map(withPublicChanges) ?? [],
      // Backends sharing the folder, and whether each runs the live set (rolling restarts).
      replicas: state ? replicasView(state) : [],
    });
  });

  /**
   * The admin routes: `plugins.manage`, each audited. `act` runs once the caller is allowed;
   * its result is the answer. Validation failures answer 4xx and are audited as failed.
   */
  async function manage(
    req: express.Request,
    res: express.Response,
    eventId: string,
    meta: Record<string, string>,
    act: (by: string) => Promise<object>,
  ) {
    const credentials = await authorize(req, pluginsManagePermission);
    const event = await auditor.createEvent({ eventId, severityLevel: 'high', request: req, meta });
    if (!bundles) {
      const error = new ServiceUnavailableError('This backend has no dynamic plugins folder (dynamicPlugins.rootDirectory)');
      await event.fail({ error });
      throw error;
    }
    try {
      const result = await act(credentials.principal.userEntityRef);
      await event.success({ meta: { ...meta, ...(result as Record<string, string>) } });
      res.json({ ...result, restartNeeded: true, changes: bundles.pendingChanges().map(publicChange) });
    } catch (error) {
      await event.fail({ error: error as Error, meta });
      if (error instanceof BundleRejectedError) {
        res.status(422).json({ error: { name: error.name, message: error.message }, ...error.details });
        return;
      }
      if (error instanceof BundleTooLargeError) {
        res.status(413).json({ error: { name: error.name, message: error.message } });
        return;
      }
      throw error;
    }
  }

  function packageParam(req: express.Request): string {
    const name = req.params.name;
    if (!PACKAGE_NAME.test(name)) {
      throw new InputError('The plugin must be named by its package name (URL-encoded, @scope%2Fname)');
    }
    return name;
  }

  /** Upload a bundle: the body is the .tar.gz, `integrity` (sha512-<base64>) a query parameter. */
  router.post('/bundles', async (req, res) => {
    const integrity = req.query.integrity;
    await manage(req, res, 'plugin-install', { source: 'upload', integrity: String(integrity ?? '') }, by =>
      bundles!.installUpload(req, integrity, by, req.headers['content-length'] ? Number(req.headers['content-length']) : undefined),
    );
  });

  /** Install (or update) from a configured npm source: `?version=` or the latest. */
  router.post('/plugins/:name/install', async (req, res) => {
    const version = typeof req.query.version === 'string' ? req.query.version : undefined;
    await manage(req, res, 'plugin-install', { source: 'npm', package: req.params.name, version: version ?? 'latest' }, async by => {
      const name = packageParam(req);
      if (version !== undefined && !semver.valid(version)) throw new InputError('version must be an exact version, e.g. 1.2.3');
      return bundles!.installFromNpm(name, version, by);
    });
  });

  router.post('/plugins/:name/disable', async (req, res) => {
    await manage(req, res, 'plugin-disable', { package: req.params.name }, async by => {
      const name = packageParam(req);
      bundles!.disable(name, by);
      return { package: name };
    });
  });

  router.post('/plugins/:name/enable', async (req, res) => {
    await manage(req, res, 'plugin-enable', { package: req.params.name }, async by => {
      const name = packageParam(req);
      bundles!.enable(name, by);
      return { package: name };
    });
  });

  router.delete('/plugins/:name', async (req, res) => {
    await manage(req, res, 'plugin-remove', { package: req.params.name }, async by => {
      const name = packageParam(req);
      bundles!.remove(name, by);
      return { package: name };
    });
  });

  /**
   * Applies the pending changes: they become the set being applied (`applyId`), then this
   * backend ends gracefully for its supervisor to start it again (Backstage's own SIGTERM
   * handling: every plugin stopped, then exit), after the answer is sent. At the next start the
   * changes are confirmed (the added plugins run and answer) or rolled back. Only when something
   * starts the backend again (409 otherwise: nothing would bring it back).
   */
  router.post('/restart', async (req, res) => {
    const credentials = await authorize(req, pluginsManagePermission);
    const event = await auditor.createEvent({ eventId: 'backend-restart', severityLevel: 'high', request: req });
    if (!restartEnabled) {
      const error = new ConflictError('No supervisor is configured to start the backend again (pluginManager.restart.enabled)');
      await event.fail({ error });
      throw error;
    }
    const changes = (bundles?.pendingChanges() ?? []).map(publicChange);
    const applyId = bundles?.journal.beginApply(credentials.principal.userEntityRef);
    await event.success({ meta: { pendingChanges: changes.length, applyId: applyId ?? '' } });
    res.on('finish', () => restart());
    res.status(202).json({ restarting: true, applyId, changes, boot: BOOT });
  });

  return router;
}
