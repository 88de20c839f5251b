import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  reportsSectionsExtensionPoint,
  type ReportSection,
} from '@stacktalk/plugin-reports-node';
import Router from 'express-promise-router';
import { renderToStaticMarkup } from 'react-dom/server';
import {
  streamRatesReportSectionModule,
  streamRatesSection,
  type StreamSummary,
} from './reportSection';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const summary = (state: string, reason?: string): StreamSummary => ({
  stream: {
    entityRef: 'resource:default/api-latency',
    title: 'API latency',
    transport: 'kafka',
    server: 'stacktalk-main',
    name: 'stacktalk.metrics.api-latency',
  },
  connection: { state, reason },
  windowMs: 300_000,
  messages: 6000,
  perSecond: { mean: 20, peak: 41 },
  rate: Array.from(
    { length: 300 },
    (_, i) => [now - 300_000 + i * 1000, 20 + (i % 7)] as [number, number],
  ),
  fields: { '$.latency_ms': { min: 3, max: 912, last: 41 }, '$.rps': null },
  decodeFailures: 2,
});

describe('the Stream rates report section', () => {
  it('shows rates, field ranges and a rate chart as static SVG', () => {
    const html = renderToStaticMarkup(streamRatesSection([summary('live')])!);
    expect(html).toContain(
      'API latency — Kafka topic stacktalk.metrics.api-latency on stacktalk-main',
    );
    expect(html).toContain('style="break-inside:avoid"'); // heading, figures and chart on one page
    expect(html).toContain(
      '<td>6,000</td><td>20</td><td>41</td><td>3 – 912 (41)</td><td>no numeric values</td>',
    );
    expect(html).toMatch(
      /<svg[^>]*aria-label="API latency messages per second"/,
    );
    expect(html).toContain('11:55:00 UTC');
    expect(html).toContain('2 messages could not be decoded.');
    expect(html).not.toContain('<script');
    // The introduction stays with the first stream at a page break.
    expect(html).toMatch(
      /^<div><p style="break-after:avoid;break-inside:avoid">/,
    );
    expect(
      renderToStaticMarkup(
        streamRatesSection([{ ...summary('live'), decodeFailures: 1 }])!,
      ),
    ).toContain('1 message could not be decoded.');
  });

  it('says from when a window is counted when the server no longer had its start', () => {
    const complete = renderToStaticMarkup(
      streamRatesSection([summary('live')])!,
    );
    expect(complete).not.toContain('Counted from');
    const html = renderToStaticMarkup(
      streamRatesSection([
        { ...summary('live'), completeFrom: now - 120_000 },
      ])!,
    );
    expect(html).toContain(
      'Counted from 11:58:00 UTC only: the older messages of the window were no longer on the server.',
    );
  });

  it('says when a stream was unreachable, and is left out for an entity without streams', () => {
    const html = renderToStaticMarkup(
      streamRatesSection([
        summary('reconnecting', 'connect ECONNREFUSED 127.0.0.1:19092'),
      ])!,
    );
    expect(html).toContain(
      'Not reachable when the report was made: connect ECONNREFUSED 127.0.0.1:19092.',
    );
    expect(html).not.toContain('<svg');
    expect(streamRatesSection([])).toBeUndefined();
  });
});

describe('the Stream rates report section, asked on behalf of the requester', () => {
  it("calls the stream viewer as the report's requester, never as the reports plugin", async () => {
    const sections: ReportSection[] = [];
    const callers: string[] = [];
    // The reports plugin's extension point, and a stream viewer that notes who asks it.
    const reports = createBackendPlugin({
      pluginId: 'reports',
      register(env) {
        env.registerExtensionPoint(reportsSectionsExtensionPoint, {
          addSection: (...more) => sections.push(...more),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const streamViewer = createBackendPlugin({
      pluginId: 'stream-viewer',
      register(env) {
        env.registerInit({
          deps: {
            httpRouter: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
          },
          async init({ httpRouter, httpAuth }) {
            const router = Router();
            router.get('/streams/summary', async (req, res) => {
              const { principal } = await httpAuth.credentials(req, {
                allow: ['user', 'service'],
              });
              callers.push(
                principal.type === 'user'
                  ? principal.userEntityRef
                  : principal.subject,
              );
              if (principal.type !== 'user') {
                res.json({ streams: [summary('live')] });
                return;
              }
              res
                .status(403)
                .json({
                  error: { name: 'NotAllowedError', message: 'not yours' },
                });
            });
            httpRouter.use(router);
          },
        });
      },
    });
    await startTestBackend({
      features: [reports, streamViewer, streamRatesReportSectionModule],
    });
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'api' },
      spec: {},
    };
    const section = await sections[0].render({
      entity,
      credentials: mockCredentials.user('user:default/bob'),
      getEntity: async () => undefined,
      signal: new AbortController().signal,
    });
    expect(callers).toEqual(['user:default/bob']);
    expect(section).toBeUndefined(); // refused: left out
  });
});
