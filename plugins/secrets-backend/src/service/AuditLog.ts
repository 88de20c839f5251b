import type { Knex } from 'knex';
import type { AuditAction, AuditEvent, AuditOutcome } from '@stacktalk/plugin-secrets-common';

/** An event to record; `outcome` is `allowed` unless said otherwise. */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at' | 'outcome'> & { outcome?: AuditOutcome };

export interface AuditQuery {
  entityRef?: string;
  environment?: string;
  name?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  actor?: string;
  /** Only events with an id below this (paging, newest first). */
  before?: number;
  limit?: number;
}

export const AUDIT_ACTIONS: AuditAction[] = ['reveal', 'export', 'write', 'rollback', 'delete', 'restore', 'destroy', 'rewrap'];

function toEvent(row: any): AuditEvent {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    source: row.source,
    outcome: row.outcome,
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(row.environment ? { environment: row.environment } : {}),
    ...(row.name ? { name: row.name } : {}),
    ...(row.version !== null && row.version !== undefined ? { version: Number(row.version) } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
  };
}

/** The append-only audit trail (the table refuses UPDATE and DELETE by trigger). */
export class AuditLog {
  constructor(private readonly knex: Knex) {}

  async record(event: NewAuditEvent, tx: Knex = this.knex): Promise<void> {
    await tx('secret_audit').insert({
      at: new Date(),
      actor: event.actor,
      action: event.action,
      entity_ref: event.entityRef ?? null,
      environment: event.environment ?? null,
      name: event.name ?? null,
      version: event.version ?? null,
      source: event.source,
      outcome: event.outcome ?? 'allowed',
      detail: event.detail ?? null,
    });
  }

  /** Newest first. */
  async query(q: AuditQuery): Promise<AuditEvent[]> {
    const query = this.knex('secret_audit').orderBy('id', 'desc').limit(Math.min(q.limit ?? 100, 500));
    if (q.entityRef) query.where('entity_ref', q.entityRef);
    if (q.environment) query.where('environment', q.environment);
    if (q.name) query.where('name', q.name);
    if (q.action) query.where('action', q.action);
    if (q.outcome) query.where('outcome', q.outcome);
    if (q.actor) query.where('actor', q.actor);
    if (q.before) query.where('id', '<', q.before);
    return (await query).map(toEvent);
  }
}
