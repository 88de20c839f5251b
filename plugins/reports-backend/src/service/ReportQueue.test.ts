import { TestDatabases } from '@backstage/backend-test-utils';
import { resolve } from 'node:path';
import { ReportQueue } from './ReportQueue';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const migrationsDirectory = resolve(__dirname, '../../migrations');
const job = { entityRef: 'component:default/voice-gateway', template: 'service-overview', format: 'A4' as const, createdBy: 'user:default/ada.okafor' };

describe.each(databases.eachSupportedId())('ReportQueue on %s', databaseId => {
  it('leaves a job to the replica holding its requester until then, and to anyone after', async () => {
    const knex = await databases.init(databaseId);
    const queue = await ReportQueue.create({ knex, migrationsDirectory });
    const held = await queue.enqueue({ ...job, heldUntil: new Date(Date.now() + 60_000) });
    expect(await queue.claim([])).toBeUndefined(); // another replica: not yet
    expect((await queue.claim([held.id]))?.id).toBe(held.id); // the replica that holds the requester
    const lapsed = await queue.enqueue({ ...job, heldUntil: new Date(Date.now() - 1000) });
    const unheld = await queue.enqueue({ ...job, scheduleId: 'a-schedule' });
    expect((await queue.claim([]))?.id).toBe(lapsed.id);
    expect((await queue.claim([]))?.id).toBe(unheld.id);
  });
});
