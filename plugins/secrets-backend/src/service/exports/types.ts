import type { SecretsEnvironment } from '@stacktalk/plugin-secrets-common';

export interface ExportedSecret {
  name: string;
  value: string;
}

export interface ExportDocument {
  filename: string;
  contentType: string;
  body: string;
}

/** The entity and environment a file is for. */
export interface ExportTarget {
  entityName: string;
  environment: SecretsEnvironment;
}

/**
 * One export format: the file its reader reads, and what that reader could not get back
 * exactly. `refusals` is asked first, for every secret, before `write`.
 */
export interface Exporter {
  /** `NAME: why` for each secret the reader would not read back byte for byte. */
  refusals(secrets: ExportedSecret[]): string[];
  write(target: ExportTarget, secrets: ExportedSecret[]): ExportDocument;
}

/** Refusals from a check of one value at a time. */
export function eachValue(why: (value: string, name: string) => string | undefined) {
  return (secrets: ExportedSecret[]) =>
    secrets.flatMap(s => {
      const reason = why(s.value, s.name);
      return reason ? [`${s.name}: ${reason}`] : [];
    });
}

/** A comment line naming what the file is; every line format here skips `#` lines. */
export function headerComment(target: ExportTarget, reader: string) {
  return `# ${target.entityName} secrets for ${target.environment.name}, exported from StackTalk Portal for ${reader}`;
}
