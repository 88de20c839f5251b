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

  it('lets another replica take over a job whose renderer stopped renewing its claim, and stores one PDF', async () => {
    const knex = await databases.init(databaseId);
    const a = await ReportQueue.create({ knex, migrationsDirectory, leaseMs: 4000 });
    const b = await ReportQueue.create({ knex, migrationsDirectory, leaseMs: 4000 });
    expect(a.replicaId).not.toBe(b.replicaId);
    const queued = await a.enqueue(job);
    expect((await a.claim())?.id).toBe(queued.id);
    // A renews while rendering: B finds nothing to take, and B's start-up leaves A's job alone.
    await new Promise(r => setTimeout(r, 2500));
    expect(await a.renew([queued.id])).toBe(1);
    await new Promise(r => setTimeout(r, 2500)); // past the first lease, not the renewed one
    expect(await b.requeueInterrupted()).toBe(0);
    expect(await b.claim()).toBeUndefined();
    // A dies (stops renewing): after its lease B takes the job over.
    await new Promise(r => setTimeout(r, 4100));
    const taken = await b.claim();
    expect(taken).toMatchObject({ id: queued.id, status: 'rendering', attempts: 2 });
    expect(await a.renew([queued.id])).toBe(0); // A's claim is gone
    // Were A alive after all, its late render is dropped: B's is the one PDF.
    expect(await a.complete(queued.id, Buffer.from('%PDF-a'), undefined, 1)).toBe(false);
    await a.fail(queued.id, 'late failure of A', false); // nor can A fail B's job
    expect((await b.get(queued.id)).status).toBe('rendering');
    expect(await b.complete(queued.id, Buffer.from('%PDF-b'), undefined, 1)).toBe(true);
    expect((await b.file(queued.id, 'pdf')).toString()).toBe('%PDF-b');
    expect(Number((await knex('report_files').where({ job_id: queued.id }).count({ n: '*' }))[0].n)).toBe(1);
    expect((await b.get(queued.id)).status).toBe('done');
  });
});
