'use strict';
// An example dynamic backend plugin, shipped as plain CommonJS (no build step): the bundle is
// this folder. The Backstage packages come from the host backend (peer dependencies).
const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');
const { InputError, NotFoundError } = require('@backstage/errors');
const { catalogServiceRef } = require('@backstage/plugin-catalog-node');
const express = require('express');

const RUNBOOK_ANNOTATION = 'stacktalk.io/runbook-url';
const NAME = /^[a-zA-Z0-9][\w.-]{0,62}$/;

/** GET /api/runbook/entity/:namespace/:kind/:name: owner, escalation channel and runbook link. */
const runbookPlugin = createBackendPlugin({
  pluginId: 'runbook',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
      },
      async init({ config, httpAuth, httpRouter, catalog }) {
        const escalationChannel = config.getString('runbook.escalationChannel');
        const router = express.Router();
        router.get('/entity/:namespace/:kind/:name', (req, res, next) => {
          (async () => {
            const { namespace, kind, name } = req.params;
            if (![namespace, kind, name].every(part => NAME.test(part))) {
              throw new InputError('namespace, kind and name must be entity name parts');
            }
            // A signed-in person; the catalog applies their own read permission.
            const credentials = await httpAuth.credentials(req, { allow: ['user'] });
            const entity = await catalog.getEntityByRef({ kind, namespace, name }, { credentials });
            if (!entity) throw new NotFoundError(`No entity ${kind}:${namespace}/${name}`);
            res.json({
              entityRef: `${kind}:${namespace}/${name}`.toLowerCase(),
              owner: (entity.spec && entity.spec.owner) || null,
              escalationChannel,
              runbookUrl: (entity.metadata.annotations || {})[RUNBOOK_ANNOTATION] || null,
            });
          })().catch(next);
        });
        httpRouter.use(router);
      },
    });
  },
});

exports.default = runbookPlugin;
