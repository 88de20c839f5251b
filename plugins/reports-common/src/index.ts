/** Permissions and wire types shared by the StackTalk reports plugins. */
import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/** Generate a report about an entity. */
export const reportsCreatePermission = createPermission({
  name: 'reports.report.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** See an entity's reports and download them. */
export const reportsReadPermission = createPermission({
  name: 'reports.report.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Delete an entity's reports. */
export const reportsDeletePermission = createPermission({
  name: 'reports.report.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * See and delete everyone's reports and schedules (the portal policy: members of its admin
 * groups). Without it a person sees and deletes only the reports and schedules they made.
 */
export const reportsAdminPermission = createPermission({
  name: 'reports.admin',
  attributes: {},
});

export const reportsPermissions = [reportsCreatePermission, reportsReadPermission, reportsDeletePermission, reportsAdminPermission];

export type PaperFormat = 'A4' | 'Letter';
export type ReportStatus = 'queued' | 'rendering' | 'done' | 'failed';

export interface ReportTemplateInfo {
  id: string;
  title: string;
  description: string;
  /** Entity kinds the template applies to. */
  kinds: string[];
}

export interface ReportJob {
  id: string;
  entityRef: string;
  template: string;
  format: PaperFormat;
  status: ReportStatus;
  /** 0–100. */
  progress: number;
  /** What it is doing now, e.g. "rendering page" or "waiting for a free browser". */
  stage?: string;
  error?: string;
  attempts: number;
  /** The person who asked for it, or whose schedule made it: its owner. */
  createdBy: string;
  createdAt: string;
  /** Set when a schedule made it (then rendered while its creator was away). */
  scheduleId?: string;
  finishedAt?: string;
  /** Bytes of the finished PDF. */
  size?: number;
  pages?: number;
}

/** A cron schedule of one template for one entity. */
export interface ReportSchedule {
  id: string;
  entityRef: string;
  template: string;
  format: PaperFormat;
  cron: string;
  createdBy: string;
  createdAt: string;
  nextRunAt: string;
  lastRunAt?: string;
  lastJobId?: string;
}
