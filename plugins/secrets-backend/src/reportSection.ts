import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { reportsSectionsExtensionPoint } from '@stacktalk/plugin-reports-node';
import { createElement as h } from 'react';

interface Hygiene {
  total: number;
  environments: Array<{ name: string; count: number; overdue: number; dueIn14Days: number }>;
  missing: Record<string, string[]>;
}

/**
 * Adds "Secrets hygiene" to the service overview: how many secrets each environment has,
 * which names are missing where, rotations due. Never values. Asked of the secrets plugin on
 * behalf of the person the report is for, so it shows only the environments they may list;
 * left out for entities without secrets and for people who may see none of them.
 */
export const secretsReportSectionModule = createBackendModule({
  pluginId: 'reports',
  moduleId: 'secrets-hygiene',
  register(reg) {
    reg.registerInit({
      deps: { sections: reportsSectionsExtensionPoint, auth: coreServices.auth, discovery: coreServices.discovery, logger: coreServices.logger },
      async init({ sections, auth, discovery, logger }) {
        sections.addSection({
          id: 'secrets-hygiene',
          title: 'Secrets hygiene',
          order: 60,
          async render({ entity, credentials, signal }) {
            const ref = stringifyEntityRef(entity);
            const { token } = await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'secrets' });
            const { kind, namespace, name } = parseEntityRef(ref);
            const path = [kind, namespace, name].map(encodeURIComponent).join('/');
            const response = await fetch(`${await discovery.getBaseUrl('secrets')}/entities/${path}/hygiene`, { headers: { Authorization: `Bearer ${token}` }, signal });
            if (response.status === 401 || response.status === 403) return undefined; // not theirs to see
            if (!response.ok) {
              logger.warn(`No secrets section for ${ref}: the secrets plugin answered ${response.status}`);
              return undefined;
            }
            const hygiene = (await response.json()) as Hygiene;
            if (hygiene.total === 0) return undefined;
            const missing = Object.entries(hygiene.missing);
            return h(
              'div',
              null,
              h('table', null,
                h('thead', null, h('tr', null, ...['Environment', 'Secrets', 'Rotation overdue', 'Rotation due in 14 days'].map(t => h('th', { key: t }, t)))),
                h('tbody', null, ...hygiene.environments.map(e => h('tr', { key: e.name }, h('td', null, e.name), h('td', null, String(e.count)), h('td', null, String(e.overdue)), h('td', null, String(e.dueIn14Days)))))),
              missing.length
                ? h('p', null, `Missing in some environments: ${missing.map(([n, envs]) => `${n} (${envs.join(', ')})`).join('; ')}.`)
                : h('p', null, 'Every secret exists in every environment.'),
            );
          },
        });
      },
    });
  },
});
