import { ConflictError, InputError } from '@backstage/errors';
import { EXPORT_FORMAT_INFO, EXPORT_FORMATS, isExportFormat, type ExportFormat } from '@stacktalk/plugin-secrets-common';
import type { ExportDocument, ExportedSecret, Exporter, ExportTarget } from './types';
import { systemdExporter } from './systemd';
import { dockerEnvFileExporter } from './dockerEnvFile';
import { shellExporter } from './shell';
import { dotenvExporter } from './dotenv';
import { kubernetesExporter } from './kubernetes';
import { appPlatformExporter } from './appPlatform';

export type { ExportDocument, ExportedSecret, ExportTarget } from './types';

export const EXPORTERS: Record<ExportFormat, Exporter> = {
  systemd: systemdExporter,
  'docker-env-file': dockerEnvFileExporter,
  shell: shellExporter,
  dotenv: dotenvExporter,
  kubernetes: kubernetesExporter,
  'app-platform': appPlatformExporter,
};

/** `?format=`: absent (the environment's default) or one known format name; anything else is a 400. */
export function parseExportFormat(value: unknown): ExportFormat | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`Give format once; use one of ${EXPORT_FORMATS.join(', ')}`);
  if (!isExportFormat(value)) throw new InputError(`Unknown export format "${value.slice(0, 40)}"; use one of ${EXPORT_FORMATS.join(', ')}`);
  return value;
}

/** Thrown when a format's reader would not get every value back exactly: which, why, and what would. */
export class ExportRefusedError extends ConflictError {
  constructor(readonly format: ExportFormat, readonly refusals: string[], readonly alternatives: ExportFormat[]) {
    super(
      `The ${format} format (${EXPORT_FORMAT_INFO[format].label}) cannot carry every secret exactly, so nothing was exported. ${refusals.join('. ')}.${
        alternatives.length ? ` Formats that carry all of them: ${alternatives.join(', ')}.` : ''
      }`,
    );
  }
}

/** The file in `format`, or ExportRefusedError before any of it is written. */
export function exportFile(format: ExportFormat, target: ExportTarget, secrets: ExportedSecret[]): ExportDocument {
  const refusals = EXPORTERS[format].refusals(secrets);
  if (refusals.length > 0) {
    const alternatives = EXPORT_FORMATS.filter(f => f !== format && EXPORTERS[f].refusals(secrets).length === 0);
    throw new ExportRefusedError(format, refusals, alternatives);
  }
  return EXPORTERS[format].write(target, secrets);
}
