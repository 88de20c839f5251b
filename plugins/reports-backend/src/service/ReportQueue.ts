import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import type { PaperFormat, ReportJob, ReportStatus } from '@stacktalk/plugin-reports-common';
import { countOf, QuotaError, withQuotaLock } from './quota';

export interface NewJob {
  /** Chosen by the caller when it must know the id before the job can be claimed. */
  id?: string;
  entityRef: string;
  template: string;
  format: PaperFormat;
  /** The requester's user entity ref (a schedule's creator for the jobs it makes). */
  createdBy: string;
  scheduleId?: string;
  /** Until then only the replica holding the requester's credentials may take the job. */
  heldUntil?: Date;
}

const UNFINISHED = ['queued', 'rendering'];

function toJob(row: any): ReportJob {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    template: row.template,
    format: row.format,
    status: row.status as ReportStatus,
    progress: Number(row.progress),
    attempts: Number(row.attempts),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.schedule_id ? { scheduleId: row.schedule_id } : {}),
    ...(row.stage ? { stage: row.stage } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.finished_at ? { finishedAt: new Date(row.finished_at).toISOString() } : {}),
    ...(row.size !== null && row.size !== undefined ? { size: Number(row.size) } : {}),
    ...(row.pages !== null && row.pages !== undefined ? { pages: Number(row.pages) } : {}),
  };
}

/**
 * Report jobs in the plugin's database: they survive a restart (a job that was rendering when
 * the backend stopped is queued again), are claimed atomically by workers, and keep their
 * finished PDF (in the database, or in `directory` when configured).
 */
export class ReportQueue {
  /**
   * `leaseMs`: how long a claim holds without being renewed (default 30 s); the worker renews
   * the claims of the jobs it renders, so a job outlives its lease only when its replica died.
   */
  static async create(options: { knex: Knex; migrationsDirectory: string; maxQueued?: number; maxQueuedPerUser?: number; directory?: string; leaseMs?: number }) {
    await options.knex.migrate.latest({ directory: options.migrationsDirectory });
    return new ReportQueue(options.knex, { maxQueued: options.maxQueued ?? 100, maxQueuedPerUser: options.maxQueuedPerUser ?? 5 }, options.directory, options.leaseMs ?? 30_000);
  }

  /** This process, as written in the jobs it claims (`host/pid/random`). */
  readonly replicaId = `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

  private constructor(
    private readonly knex: Knex,
    readonly limits: { maxQueued: number; maxQueuedPerUser: number },
    private readonly directory?: string,
    readonly leaseMs = 30_000,
  ) {
    if (directory) fs.mkdirSync(directory, { recursive: true });
  }

  private leaseEnd() {
    return new Date(Date.now() + this.leaseMs);
  }

  /**
   * Queues a job unless the queue or its requester is at their limit (a {@link QuotaError}):
   * jobs waiting or rendering, at most `maxQueued` in all and `maxQueuedPerUser` asked for by
   * one person (a schedule's jobs count only toward the first). Counted and inserted as one step.
   */
  async enqueue(job: NewJob, concurrency = 1): Promise<ReportJob> {
    const { maxQueued, maxQueuedPerUser } = this.limits;
    return withQuotaLock(this.knex, 'report_jobs', async tx => {
      const unfinished = await countOf(tx('report_jobs').whereIn('status', UNFINISHED));
      if (unfinished >= maxQueued) {
        const retryAfter = Math.max(1, Math.ceil((unfinished * 2) / Math.max(1, concurrency)));
        throw new QuotaError(`${unfinished} reports are waiting or rendering; try again in about ${retryAfter} s`, retryAfter);
      }
      if (!job.scheduleId) {
        const mine = await countOf(tx('report_jobs').whereIn('status', UNFINISHED).where({ created_by: job.createdBy }).whereNull('schedule_id'));
        if (mine >= maxQueuedPerUser) {
          throw new QuotaError(`You already have ${mine} reports waiting or rendering, the most one person may have (reports.limits.maxQueuedPerUser); try again when one is done`, 30);
        }
      }
      const row = {
        id: job.id ?? randomUUID(),
        entity_ref: job.entityRef,
        template: job.template,
        format: job.format,
        status: 'queued',
        progress: 0,
        stage: 'queued',
        attempts: 0,
        created_by: job.createdBy,
        created_at: new Date(),
        schedule_id: job.scheduleId ?? null,
        held_until: job.heldUntil ?? null,
      };
      await tx('report_jobs').insert(row);
      return toJob(row);
    });
  }

  async get(id: string): Promise<ReportJob> {
    const row = await this.knex('report_jobs').where({ id }).first();
    if (!row) throw new NotFoundError(`No report ${id}`);
    return toJob(row);
  }

  /** Newest first: one entity's reports, or of every entity without `entityRef`; only `createdBy`'s when given. */
  async list(entityRef: string | undefined, limit = 50, createdBy?: string): Promise<ReportJob[]> {
    const query = this.knex('report_jobs').orderBy('created_at', 'desc').limit(limit);
    if (entityRef) query.where({ entity_ref: entityRef });
    if (createdBy) query.where({ created_by: createdBy });
    return (await query).map(toJob);
  }

  /**
   * Takes a job for this worker: one of `preferred` when any is still queued (the jobs whose
   * requesters' credentials this replica holds), else the oldest queued that no other replica
   * holds, else one whose renderer's lease ran out (its replica died mid-job); undefined when none.
   */
  async claim(preferred: string[] = []): Promise<ReportJob | undefined> {
    for (let tries = 0; tries < 5; tries++) {
      const now = new Date();
      const queued = () => this.knex('report_jobs').where({ status: 'queued' }).orderBy('created_at');
      const next =
        (preferred.length ? await queued().whereIn('id', preferred.slice(0, 100)).first('id', 'status') : undefined) ??
        (await queued().where(q => q.whereNull('held_until').orWhere('held_until', '<', now)).first('id', 'status')) ??
        (await this.orphaned(now).orderBy('created_at').first('id', 'status'));
      if (!next) return undefined;
      const claim = this.knex('report_jobs').where({ id: next.id, status: next.status });
      if (next.status !== 'queued') claim.where(q => q.where('lease_until', '<', now).orWhereNull('lease_until'));
      const claimed = await claim.update({
          status: 'rendering',
          started_at: now,
          stage: next.status === 'queued' ? 'starting' : 'taken over from a replica that stopped renewing its claim',
          progress: 0,
          attempts: this.knex.raw('attempts + 1'),
          claimed_by: this.replicaId,
          lease_until: this.leaseEnd(),
        });
      if (claimed === 1) return this.get(next.id);
    }
    return undefined;
  }

  /** Rendering jobs whose claim ran out: their replica died (or lost the database) mid-job. */
  private orphaned(now: Date) {
    return this.knex('report_jobs')
      .where({ status: 'rendering' })
      .where(q => q.where('lease_until', '<', now).orWhereNull('lease_until'));
  }

  /** Keeps this replica's claims on the jobs it is rendering; answers how many it still holds. */
  async renew(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    return this.knex('report_jobs')
      .whereIn('id', ids)
      .where({ status: 'rendering', claimed_by: this.replicaId })
      .update({ lease_until: this.leaseEnd() });
  }

  async progress(id: string, progress: number, stage: string) {
    await this.knex('report_jobs').where({ id, status: 'rendering' }).update({ progress: Math.round(progress), stage });
  }

  /**
   * Stores the PDF and marks the job done, only while this replica still holds the job's claim
   * (answers false when another replica took it over: its render will be the one stored).
   */
  async complete(id: string, pdf: Buffer, preview: Buffer | undefined, pages: number): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const mine = await tx('report_jobs')
        .where({ id, status: 'rendering', claimed_by: this.replicaId })
        .update({ status: 'done', progress: 100, stage: 'done', finished_at: new Date(), size: pdf.length, pages, error: null, lease_until: null });
      if (mine !== 1) return false;
      if (this.directory) {
        fs.writeFileSync(path.join(this.directory, `${id}.pdf`), pdf);
        if (preview) fs.writeFileSync(path.join(this.directory, `${id}.png`), preview);
        await tx('report_files').insert({ job_id: id, pdf: null, preview: null });
      } else {
        await tx('report_files').insert({ job_id: id, pdf, preview: preview ?? null });
      }
      return true;
    });
  }

  /** Back to the queue (a retry after Chromium died), or failed for good. */
  async fail(id: string, message: string, retry: boolean) {
    await this.knex('report_jobs')
      .where({ id, status: 'rendering', claimed_by: this.replicaId }) // not when another replica took it over
      .update({
        ...(retry ? { status: 'queued', stage: `retrying: ${message}`.slice(0, 250), progress: 0 } : { status: 'failed', stage: 'failed', error: message, finished_at: new Date() }),
        claimed_by: null,
        lease_until: null,
      });
  }

  /**
   * At start: jobs left rendering by a process that is gone run again. Only those whose lease
   * ran out (or that have none): another replica's jobs in flight are left to it.
   */
  async requeueInterrupted(): Promise<number> {
    return this.orphaned(new Date()).update({ status: 'queued', stage: 'queued again after a restart', progress: 0, claimed_by: null, lease_until: null });
  }

  async file(id: string, kind: 'pdf' | 'preview'): Promise<Buffer> {
    const row = await this.knex('report_files').where({ job_id: id }).first();
    if (!row) throw new NotFoundError(`Report ${id} has no ${kind === 'pdf' ? 'PDF' : 'preview'} (not finished?)`);
    if (this.directory) {
      const file = path.join(this.directory, `${id}.${kind === 'pdf' ? 'pdf' : 'png'}`);
      if (!fs.existsSync(file)) throw new NotFoundError(`Report ${id} has no ${kind} file`);
      return fs.readFileSync(file);
    }
    if (!row[kind]) throw new NotFoundError(`Report ${id} has no ${kind}`);
    return Buffer.from(row[kind]);
  }

  async remove(id: string) {
    await this.knex.transaction(async tx => {
      await tx('report_files').where({ job_id: id }).delete();
      await tx('report_jobs').where({ id }).delete();
    });
    if (this.directory) for (const ext of ['pdf', 'png']) fs.rmSync(path.join(this.directory, `${id}.${ext}`), { force: true });
  }

  /** Retention: deletes finished reports older than `days`. */
  async deleteOlderThan(days: number): Promise<number> {
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const old = await this.knex('report_jobs').whereIn('status', ['done', 'failed']).where('created_at', '<', cutoff).pluck('id');
    for (const id of old) await this.remove(id);
    return old.length;
  }
}
