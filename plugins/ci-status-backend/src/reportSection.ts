import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { getCiRepo, type CiRunsResponse, type CiSummaryResponse } from '@stacktalk/plugin-ci-status-common';
import { lineChart, reportsSectionsExtensionPoint } from '@stacktalk/plugin-reports-node';
import { createElement as h } from 'react';

const RECENT_RUNS = 10;

const duration = (seconds?: number) => (seconds === undefined ? '–' : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`);
const outcome = (run: { status: string | null; conclusion: string | null }) => (run.status === 'completed' ? run.conclusion ?? 'unknown' : run.status ?? 'unknown');

/**
 * Adds "CI" to the service overview: the watched branch's latest run, the success rate and
 * durations of the recent runs, the last runs. Asked of the ci-status plugin on behalf of the
 * person the report is for; left out for entities without a GitHub repository and when refused.
 */
export const ciStatusReportSectionModule = createBackendModule({
  pluginId: 'reports',
  moduleId: 'ci-status',
  register(reg) {
    reg.registerInit({
      deps: { sections: reportsSectionsExtensionPoint, auth: coreServices.auth, discovery: coreServices.discovery, logger: coreServices.logger },
      async init({ sections, auth, discovery, logger }) {
        sections.addSection({
          id: 'ci-status',
          title: 'CI',
          order: 50,
          async render({ entity, credentials, signal }) {
            if (!getCiRepo(entity)) return undefined;
            const ref = stringifyEntityRef(entity);
            const { token } = await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'ci-status' });
            const { kind, namespace, name } = parseEntityRef(ref);
            const base = `${await discovery.getBaseUrl('ci-status')}/entities/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
            const get = async <T>(path: string): Promise<T | undefined> => {
              const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` }, signal });
              if (response.status === 401 || response.status === 403) return undefined; // not theirs to see
              if (!response.ok) {
                logger.warn(`No CI section for ${ref}: the ci-status plugin answered ${response.status} to ${path}`);
                return undefined;
              }
              return (await response.json()) as T;
            };
            const summary = await get<CiSummaryResponse>('/summary');
            const runs = summary && (await get<CiRunsResponse>('/runs'));
            if (!summary || !runs) return undefined;
            const [watched] = summary.branches;
            const points = summary.history
              .filter(run => run.durationSeconds !== undefined)
              .map(run => [Date.parse(run.startedAt), (run.durationSeconds ?? 0) / 60] as [number, number]);
            return h(
              'div',
              null,
              h('p', null,
                `${summary.repo}, branch ${watched.branch}: latest run ${watched.latest ? `${watched.latest.workflow} #${watched.latest.runNumber} ${outcome(watched.latest)}` : 'none among the recent runs'}. `,
                summary.successRate !== undefined ? `${Math.round(summary.successRate * 100)}% of the last ${summary.history.length} finished runs succeeded.` : '',
                summary.stale ? ` GitHub could not be asked; data as of ${summary.stale.since}.` : ''),
              points.length > 1 ? lineChart(points, { label: 'Run duration', unit: ' min' }) : null,
              h('table', null,
                h('thead', null, h('tr', null, ...['Run', 'Branch', 'Outcome', 'Started (UTC)', 'Duration'].map(t => h('th', { key: t }, t)))),
                h('tbody', null, ...runs.runs.slice(0, RECENT_RUNS).map(run =>
                  h('tr', { key: String(run.id) },
                    h('td', null, `${run.workflow} #${run.runNumber}`),
                    h('td', null, run.branch ?? ''),
                    h('td', null, outcome(run)),
                    h('td', null, run.startedAt.replace('T', ' ').slice(0, 16)),
                    h('td', null, duration(run.durationSeconds)))))),
            );
          },
        });
      },
    });
  },
});
