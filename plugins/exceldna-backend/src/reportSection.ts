import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { EXCELDNA_WORKFLOW_ANNOTATION, type AddInBuildsResponse } from '@stacktalk/plugin-exceldna-common';
import { reportsSectionsExtensionPoint } from '@stacktalk/plugin-reports-node';
import { createElement as h } from 'react';

/**
 * Adds "Excel add-in release" to the service overview: the latest build's readiness verdict,
 * its problems, and its files' signature states. Asked of the exceldna plugin on behalf of the
 * person the report is for; left out for entities without the annotation, without builds, and
 * when refused.
 */
export const exceldnaReportSectionModule = createBackendModule({
  pluginId: 'reports',
  moduleId: 'exceldna',
  register(reg) {
    reg.registerInit({
      deps: { sections: reportsSectionsExtensionPoint, auth: coreServices.auth, discovery: coreServices.discovery, logger: coreServices.logger },
      async init({ sections, auth, discovery, logger }) {
        sections.addSection({
          id: 'exceldna',
          title: 'Excel add-in release',
          order: 55,
          async render({ entity, credentials, signal }) {
            if (!entity.metadata.annotations?.[EXCELDNA_WORKFLOW_ANNOTATION]) return undefined;
            const ref = stringifyEntityRef(entity);
            const { token } = await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'exceldna' });
            const { kind, namespace, name } = parseEntityRef(ref);
            const url = `${await discovery.getBaseUrl('exceldna')}/entities/${[kind, namespace, name].map(encodeURIComponent).join('/')}/builds`;
            const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal });
            if (response.status === 401 || response.status === 403) return undefined; // not theirs to see
            if (!response.ok) {
              logger.warn(`No Excel add-in section for ${ref}: the exceldna plugin answered ${response.status}`);
              return undefined;
            }
            const { builds } = (await response.json()) as AddInBuildsResponse;
            const latest = builds[0];
            if (!latest) return undefined;
            return h(
              'div',
              null,
              h('p', null,
                `Latest build ${latest.version ?? ''} (${latest.branch ?? 'no branch'}, ${latest.createdAt.slice(0, 10)}): `,
                h('b', null, latest.readiness.ready ? 'ready for release' : 'blocked'),
                '.'),
              latest.readiness.problems.length ? h('ul', null, ...latest.readiness.problems.map(p => h('li', { key: p }, p))) : null,
              h('table', null,
                h('thead', null, h('tr', null, ...['File', 'Architecture', 'Packed', 'Signature', 'Certificate expires'].map(t => h('th', { key: t }, t)))),
                h('tbody', null, ...latest.files.map(f =>
                  h('tr', { key: f.fileName },
                    h('td', null, f.fileName),
                    h('td', null, f.architecture),
                    h('td', null, f.inspection.excelDna?.packed ? 'yes' : 'no'),
                    h('td', null, f.inspection.signature?.status ?? 'not a readable PE'),
                    h('td', null, f.inspection.signature?.signer?.notAfter?.slice(0, 10) ?? '–'))))),
            );
          },
        });
      },
    });
  },
});
