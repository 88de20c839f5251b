import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { CronTime } from 'cron';
import { InputError, NotFoundError } from '@backstage/errors';
import type { PaperFormat, ReportSchedule } from '@stacktalk/plugin-reports-common';
import { countOf, QuotaError, withQuotaLock } from './quota';

export type { ReportSchedule };

/** Runs looked at to find a cron's shortest gap: enough for every hour of a day's minute list. */
const RUNS_SAMPLED = 200;

/** The next time a cron expression fires after `from`; an InputError saying why when it is invalid. */
export function nextRun(cron: unknown, from = new Date()): Date {
  if (typeof cron !== 'string' || !cron.trim()) throw new InputError('Invalid schedule: a cron expression is required, e.g. "0 6 * * 1" (Mondays 06:00 UTC)');
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new InputError(`Invalid schedule "${cron.slice(0, 60)}": use 5 cron fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  try {
    const next = new CronTime(cron.trim(), 'UTC').getNextDateFrom(from).toJSDate();
    return next;
  } catch (e) {
    throw new InputError(`Invalid schedule "${cron.slice(0, 60)}": ${(e as Error).message}`);
  }
}

/** The shortest time in minutes between two consecutive runs of a (valid) cron expression. */
export function shortestGapMinutes(cron: string, from = new Date()): number {
  const time = new CronTime(cron.trim(), 'UTC');
  let previous = time.getNextDateFrom(from).toJSDate();
  let shortest = Infinity;
  for (let i = 0; i < RUNS_SAMPLED; i++) {
    const next = time.getNextDateFrom(previous).toJSDate();
    shortest = Math.min(shortest, (next.getTime() - previous.getTime()) / 60_000);
    previous = next;
  }
  return Math.round(shortest);
}

function toSchedule(row: any): ReportSchedule {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    template: row.template,
    format: row.format,
    cron: row.cron,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    nextRunAt: new Date(row.next_run_at).toISOString(),
    ...(row.last_run_at ? { lastRunAt: new Date(row.last_run_at).toISOString() } : {}),
    ...(row.last_job_id ? { lastJobId: row.last_job_id } : {}),
  };
}

export interface ScheduleLimits {
  /** Schedules one person may have (default 10). */
  maxPerUser: number;
  /** The shortest time between two runs of a schedule (default 60). */
  minIntervalMinutes: number;
}

/** Cron schedules per template and entity, stored with the reports. */
export class ReportSchedules {
  constructor(private readonly knex: Knex, readonly limits: ScheduleLimits = { maxPerUser: 10, minIntervalMinutes: 60 }) {}

  async create(input: { entityRef: string; template: string; format: PaperFormat; cron: string; createdBy: string }): Promise<ReportSchedule> {
    const next = nextRun(input.cron); // validates first: a missing or bad expression is a 400
    const { maxPerUser, minIntervalMinutes } = this.limits;
    const gap = shortestGapMinutes(input.cron);
    if (gap < minIntervalMinutes) {
      throw new InputError(
        `Schedule "${input.cron.trim()}" would run ${gap} minute${gap === 1 ? '' : 's'} apart; reports may be scheduled at most every ${minIntervalMinutes} minutes (reports.limits.minScheduleIntervalMinutes)`,
      );
    }
    return withQuotaLock(this.knex, 'report_schedules', async tx => {
      const mine = await countOf(tx('report_schedules').where({ created_by: input.createdBy }));
      if (mine >= maxPerUser) {
        throw new QuotaError(`You already have ${mine} report schedules, the most one person may have (reports.limits.maxSchedulesPerUser); delete one first`);
      }
      const row = {
        id: randomUUID(),
        entity_ref: input.entityRef,
        template: input.template,
        format: input.format,
        cron: String(input.cron).trim(),
        created_by: input.createdBy,
        created_at: new Date(),
        next_run_at: next,
      };
      await tx('report_schedules').insert(row);
      return toSchedule(row);
    });
  }

  /** An entity's schedules; only `createdBy`'s when given. */
  async list(entityRef: string, createdBy?: string): Promise<ReportSchedule[]> {
    const query = this.knex('report_schedules').where({ entity_ref: entityRef }).orderBy('created_at');
    if (createdBy) query.where({ created_by: createdBy });
    return (await query).map(toSchedule);
  }

  async get(id: string): Promise<ReportSchedule> {
    const row = await this.knex('report_schedules').where({ id }).first();
    if (!row) throw new NotFoundError(`No report schedule ${id}`);
    return toSchedule(row);
  }

  async remove(id: string) {
    await this.knex('report_schedules').where({ id }).delete();
  }

  /**
   * Schedules due at `now`, each claimed by moving its next run forward first (so two backend
   * instances do not both queue it).
   */
  async claimDue(now = new Date()): Promise<ReportSchedule[]> {
    const due = (await this.knex('report_schedules').where('next_run_at', '<=', now)).map(toSchedule);
    const claimed = [];
    for (const s of due) {
      // Never sooner than the minimum interval after this run, even for a schedule made before it was set.
      const earliest = new Date(new Date(s.nextRunAt).getTime() + this.limits.minIntervalMinutes * 60_000 - 1000);
      const moved = await this.knex('report_schedules')
        .where({ id: s.id, next_run_at: new Date(s.nextRunAt) })
        .update({ next_run_at: nextRun(s.cron, earliest > now ? earliest : now), last_run_at: now });
      if (moved === 1) claimed.push(s);
    }
    return claimed;
  }

  async recordJob(id: string, jobId: string) {
    await this.knex('report_schedules').where({ id }).update({ last_job_id: jobId });
  }
}
