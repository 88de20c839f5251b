import { InputError } from '@backstage/errors';
import { EXPORT_FORMATS, isExportFormat, type ExportFormat, type SecretsEnvironment } from '@stacktalk/plugin-secrets-common';

export interface ExportedSecret {
  name: string;
  value: string;
}

export interface ExportDocument {
  filename: string;
  contentType: string;
  body: string;
}

/** `?format=`: absent (the environment's default) or one known format name; anything else is a 400. */
export function parseExportFormat(value: unknown): ExportFormat | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`Give format once; use one of ${EXPORT_FORMATS.join(', ')}`);
  if (!isExportFormat(value)) throw new InputError(`Unknown export format "${value.slice(0, 40)}"; use one of ${EXPORT_FORMATS.join(', ')}`);
  return value;
}

/** A double-quoted scalar that is both valid JSON and valid YAML (YAML is a superset here). */
const quote = (s: string) => JSON.stringify(s);

/** A Kubernetes object name from an entity name: lower-case RFC 1123 label. */
function k8sName(s: string) {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'secrets';
}

/**
 * `.env` for Droplets (systemd EnvironmentFile / docker --env-file). Values are double-quoted with
 * backslash escapes, so newlines, quotes and `$` survive.
 */
export function toDotenv(entityName: string, env: SecretsEnvironment, secrets: ExportedSecret[]): ExportDocument {
  const lines = secrets.map(s => `${s.name}=${quote(s.value).replace(/\$/g, '\\$')}`);
  return {
    filename: `${entityName}.${env.name}.env`,
    contentType: 'text/plain; charset=utf-8',
    body: `# ${entityName} secrets for ${env.name}, exported from StackTalk Portal\n${lines.join('\n')}\n`,
  };
}

/** A Kubernetes `Secret` manifest for DOKS, values base64 in `data`. */
export function toKubernetesSecret(entityName: string, env: SecretsEnvironment, secrets: ExportedSecret[]): ExportDocument {
  const data = secrets.map(s => `  ${s.name}: ${Buffer.from(s.value, 'utf8').toString('base64')}`);
  const body = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${k8sName(entityName)}-secrets`,
    `  namespace: ${k8sName(env.target)}`,
    '  labels:',
    `    app.kubernetes.io/name: ${k8sName(entityName)}`,
    '    app.kubernetes.io/managed-by: stacktalk-portal',
    'type: Opaque',
    secrets.length ? 'data:' : 'data: {}',
    ...data,
    '',
  ].join('\n');
  return { filename: `${entityName}.${env.name}.secret.yaml`, contentType: 'application/yaml; charset=utf-8', body };
}

/** The `envs` block of a DigitalOcean App Platform app spec, every value `type: SECRET`. */
export function toAppPlatformEnvs(entityName: string, env: SecretsEnvironment, secrets: ExportedSecret[]): ExportDocument {
  const envs = secrets.flatMap(s => [`  - key: ${s.name}`, '    scope: RUN_AND_BUILD_TIME', '    type: SECRET', `    value: ${quote(s.value)}`]);
  const body = [`# App Platform app "${env.target}": paste under the component or app spec`, secrets.length ? 'envs:' : 'envs: []', ...envs, ''].join('\n');
  return { filename: `${entityName}.${env.name}.app-spec-envs.yaml`, contentType: 'application/yaml; charset=utf-8', body };
}

export const EXPORTERS: Record<ExportFormat, typeof toDotenv> = {
  dotenv: toDotenv,
  kubernetes: toKubernetesSecret,
  'app-platform': toAppPlatformEnvs,
};
