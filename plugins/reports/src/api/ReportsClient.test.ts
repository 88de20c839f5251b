import { ResponseError } from '@backstage/errors';
import { ReportsClient } from './ReportsClient';

describe('ReportsClient', () => {
  it("rejects with the server's reason and keeps the response's details", async () => {
    const body = { error: { name: 'InputError', message: 'Invalid schedule "61 * * * *": Field value (61) is out of range' }, request: { method: 'POST', url: '/schedules' }, response: { statusCode: 400 } };
    const fetch = jest.fn(async () => new Response(JSON.stringify(body), { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/json' } }));
    const client = new ReportsClient({ discoveryApi: { getBaseUrl: async () => 'http://portal/api/reports' }, fetchApi: { fetch } as any });
    const error = await client.createSchedule('component:default/x', 'service-overview', 'A4', '61 * * * *').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect([error.message, error.statusCode, error.cause.name]).toEqual([body.error.message, 400, 'InputError']);
    expect(fetch).toHaveBeenCalledWith('http://portal/api/reports/schedules', expect.objectContaining({ method: 'POST' }));
  });

  it('rejects a refused or over-quota request with the reason the server gave', async () => {
    const bodies = [
      { status: 429, error: { name: 'QuotaError', message: 'You already have 5 reports waiting or rendering, the most one person may have (reports.limits.maxQueuedPerUser); try again when one is done' } },
      { status: 403, error: { name: 'NotAllowedError', message: 'Report 42 belongs to user:default/alice: only its creator or a reports admin may see it' } },
    ];
    for (const { status, error: sent } of bodies) {
      const fetch = jest.fn(async () => new Response(JSON.stringify({ error: sent, request: { method: 'POST', url: '/reports' }, response: { statusCode: status } }), { status, headers: { 'Content-Type': 'application/json' } }));
      const client = new ReportsClient({ discoveryApi: { getBaseUrl: async () => 'http://portal/api/reports' }, fetchApi: { fetch } as any });
      const error = await client.create('component:default/x', 'service-overview', 'A4').catch(e => e);
      expect([error.message, error.statusCode]).toEqual([sent.message, status]);
    }
  });
});
