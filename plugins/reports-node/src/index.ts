/** Sections other backend plugins add to StackTalk reports (service overview, system report). */
import {
  createExtensionPoint,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { ReactElement } from 'react';

export { lineChart, utcTime } from './charts';

/** What a section gets to build its part of a report. */
export interface ReportSectionContext {
  entity: Entity;
  /** The catalog as the report's requester sees it. */
  getEntity(ref: string): Promise<Entity | undefined>;
  /**
   * The person who asked for the report (a user principal, never the reports plugin itself):
   * call other plugins on their behalf with `auth.getPluginRequestToken({ onBehalfOf:
   * credentials, targetPluginId })`, so the section shows only what they may see. A section
   * whose plugin refuses them (401/403) returns undefined and is left out.
   */
  credentials: BackstageCredentials;
  /** Aborted when the report's time is up (`reports.limits.jobTimeoutSeconds`): pass it to `fetch`. */
  signal: AbortSignal;
}

/**
 * A part of the service overview contributed by a plugin (stream rates, CI status, secrets
 * hygiene, Excel-DNA releases...). `render` returns undefined when the plugin has no data for
 * the entity: the section is then left out, never shown empty. Output is static markup: no
 * browser JavaScript runs; charts are SVG. A report made by a schedule while its creator is
 * away has no credentials to call other plugins with: sections are then not called, and the
 * report says each was left out.
 */
export interface ReportSection {
  id: string;
  title: string;
  /** Lower comes first; the built-in sections use 10–40. */
  order: number;
  render(context: ReportSectionContext): Promise<ReactElement | undefined>;
}

export interface ReportsSectionsExtensionPoint {
  addSection(...sections: ReportSection[]): void;
}

/** Other backend plugins (as modules of `reports`) register report sections here. */
export const reportsSectionsExtensionPoint =
  createExtensionPoint<ReportsSectionsExtensionPoint>({
    id: 'reports.sections',
  });
