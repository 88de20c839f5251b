import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  lineChart,
  reportsSectionsExtensionPoint,
  utcTime,
} from '@stacktalk/plugin-reports-node';
import { createElement as h } from 'react';

/** What `GET /streams/summary` answers. */
export interface StreamSummary {
  stream: {
    entityRef: string;
    title: string;
    transport: 'kafka' | 'redis';
    server: string;
    name: string;
  };
  connection: { state: string; reason?: string };
  windowMs: number;
  /** The window is counted only from this time: the server no longer had what came before. */
  completeFrom?: number;
  messages: number;
  perSecond: { mean: number; peak: number };
  rate: Array<[number, number]>;
  fields: Record<string, { min: number; max: number; last: number } | null>;
  decodeFailures: number;
}

const number = (n: number) =>
  Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(n < 10 ? 2 : 1);

/** The Resource's title, with the topic / key and server when the title does not name them. */
function heading(stream: StreamSummary['stream']) {
  const kind = stream.transport === 'kafka' ? 'Kafka topic' : 'Redis stream';
  return stream.title.includes(stream.name)
    ? `${stream.title} on ${stream.server}`
    : `${stream.title} — ${kind} ${stream.name} on ${stream.server}`;
}

/** The section's markup for the summaries of an entity's streams (undefined: no streams). */
export function streamRatesSection(summaries: StreamSummary[]) {
  if (summaries.length === 0) return undefined;
  return h(
    'div',
    null,
    h(
      'p',
      // The introduction goes with the first stream, not alone at the foot of a page.
      { style: { breakAfter: 'avoid', breakInside: 'avoid' } },
      `Messages over the last ${
        summaries[0].windowMs / 60_000
      } minutes on the Kafka topics and Redis Streams this entity uses, read by the stream viewer when the report was made.`,
    ),
    ...summaries.map(s =>
      h(
        'div',
        // A stream's heading, figures and chart stay on one page.
        { key: s.stream.entityRef, style: { breakInside: 'avoid' } },
        h('h3', null, heading(s.stream)),
        s.connection.state === 'live'
          ? h(
              'table',
              null,
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ...[
                    'Messages',
                    'Mean msg/s',
                    'Peak msg/s',
                    ...Object.keys(s.fields).map(f => `${f} min – max (last)`),
                  ].map(t => h('th', { key: t }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                h(
                  'tr',
                  null,
                  h('td', null, number(s.messages)),
                  h('td', null, number(s.perSecond.mean)),
                  h('td', null, number(s.perSecond.peak)),
                  ...Object.entries(s.fields).map(([f, v]) =>
                    h(
                      'td',
                      { key: f },
                      v
                        ? `${number(v.min)} – ${number(v.max)} (${number(
                            v.last,
                          )})`
                        : 'no numeric values',
                    ),
                  ),
                ),
              ),
            )
          : h(
              'p',
              null,
              `Not reachable when the report was made: ${
                s.connection.reason ?? s.connection.state
              }.`,
            ),
        s.connection.state === 'live' && s.completeFrom
          ? h(
              'p',
              { className: 'muted' },
              `Counted from ${utcTime(
                s.completeFrom,
              )} only: the older messages of the window were no longer on the server.`,
            )
          : null,
        s.connection.state === 'live' && s.rate.length > 1
          ? lineChart(s.rate, {
              label: `${s.stream.title} messages per second`,
              unit: '/s',
            })
          : null,
        s.decodeFailures
          ? h(
              'p',
              null,
              `${number(s.decodeFailures)} ${
                s.decodeFailures === 1 ? 'message' : 'messages'
              } could not be decoded.`,
            )
          : null,
      ),
    ),
  );
}

/**
 * Adds "Stream rates" to the service overview: for each Kafka topic / Redis stream of the
 * entity, the message rate over the last 5 minutes (a chart) and the range of its charted
 * fields. Asked of the stream viewer on behalf of the person the report is for (field ranges
 * only when they may read the stream's payloads); left out for entities without streams and
 * when the stream viewer refuses them.
 */
export const streamRatesReportSectionModule = createBackendModule({
  pluginId: 'reports',
  moduleId: 'stream-rates',
  register(reg) {
    reg.registerInit({
      deps: {
        sections: reportsSectionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
      },
      async init({ sections, auth, discovery, logger }) {
        sections.addSection({
          id: 'stream-rates',
          title: 'Stream rates',
          order: 50,
          async render({ entity, credentials, signal }) {
            const ref = stringifyEntityRef(entity);
            // As the report's requester: the figures they could see on the Streams tab.
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: credentials,
              targetPluginId: 'stream-viewer',
            });
            const response = await fetch(
              `${await discovery.getBaseUrl(
                'stream-viewer',
              )}/streams/summary?entityRef=${encodeURIComponent(ref)}`,
              {
                headers: { Authorization: `Bearer ${token}` },
                signal,
              },
            );
            if (response.status === 401 || response.status === 403) {
              return undefined; // not theirs to see
            }
            if (!response.ok) {
              logger.warn(
                `No stream rates section for ${ref}: the stream viewer answered ${response.status}`,
              );
              return undefined;
            }
            return streamRatesSection(
              ((await response.json()) as { streams: StreamSummary[] }).streams,
            );
          },
        });
      },
    });
  },
});
