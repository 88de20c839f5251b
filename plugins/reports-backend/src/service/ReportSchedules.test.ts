import { TestDatabases } from '@backstage/backend-test-utils';
import { resolve } from 'node:path';
import { ReportQueue } from './ReportQueue';
import { ReportSchedules, nextRun } from './ReportSchedules';

jest.setTimeout(60_000); // a PostgreSQL database per test, on a loaded machine

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('ReportSchedules on %s', databaseId => {
  it('hands each due schedule out once and moves it to its next run', async () => {
    const knex = await databases.init(databaseId);
    await ReportQueue.create({ knex, migrationsDirectory: resolve(__dirname, '../../migrations') });
    const schedules = new ReportSchedules(knex, { maxPerUser: 10, minIntervalMinutes: 5 });
    const s = await schedules.create({ entityRef: 'component:default/x', template: 'service-overview', format: 'A4', cron: '*/5 * * * *', createdBy: 'user:default/ada.okafor' });
    const due = new Date(new Date(s.nextRunAt).getTime() + 1000);
    const [first, second] = await Promise.all([schedules.claimDue(due), schedules.claimDue(due)]);
    expect([...first, ...second].map(x => x.id)).toEqual([s.id]);
    const after = await schedules.get(s.id);
    expect(new Date(after.nextRunAt).getTime() - new Date(s.nextRunAt).getTime()).toBe(5 * 60_000);
    expect(await schedules.claimDue(due)).toEqual([]);
  });
});

describe.each(databases.eachSupportedId())('ReportSchedules limits on %s', databaseId => {
  it('runs a schedule made before the minimum interval existed no more often than the minimum', async () => {
    const knex = await databases.init(databaseId);
    await ReportQueue.create({ knex, migrationsDirectory: resolve(__dirname, '../../migrations') });
    const schedules = new ReportSchedules(knex, { maxPerUser: 10, minIntervalMinutes: 60 });
    const now = new Date('2026-12-04T06:00:30Z');
    await knex('report_schedules').insert({ id: 'legacy', entity_ref: 'component:default/x', template: 'service-overview', format: 'A4', cron: '* * * * *', created_by: 'user:default/ada.okafor', created_at: now, next_run_at: new Date('2026-12-04T06:00:00Z') });
    expect((await schedules.claimDue(now)).map(s => s.id)).toEqual(['legacy']);
    expect((await schedules.get('legacy')).nextRunAt).toBe('2026-12-04T07:00:00.000Z');
  });
});

describe('nextRun', () => {
  it('follows cron in UTC and rejects nonsense with the reason', () => {
    expect(nextRun('30 6 * * *', new Date('2026-11-22T07:00:00Z')).toISOString()).toBe('2026-11-23T06:30:00.000Z');
    expect(() => nextRun('* * *')).toThrow(/use 5 cron fields/);
    expect(() => nextRun('0 25 * * *')).toThrow('Invalid schedule "0 25 * * *": Field value (25) is out of range');
  });
});
