import { headerComment, type Exporter } from './types';
import { yamlDoubleQuoted } from './yamlScalar';

/** The API server refuses a Secret whose data add up to more (validation: MaxSecretSize, 1 MiB). */
const MAX_SECRET_BYTES = 1024 * 1024;

/** A Kubernetes object name from an entity name: lower-case RFC 1123 label. */
function k8sName(s: string) {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'secrets';
}

/**
 * A Kubernetes `Secret` for `kubectl apply`: every value base64 in `data`, which the API server
 * decodes to the exact bytes. Keys and values are quoted, so YAML 1.1 (Go) never reads a name
 * such as `Y` or `NO`, or an all-digit base64 string, as a boolean or a number. Client-side
 * `kubectl apply` also copies the object into an annotation limited to 256 KiB; the file says to
 * apply it server-side.
 */
export const kubernetesExporter: Exporter = {
  refusals(secrets) {
    const total = secrets.reduce((sum, s) => sum + Buffer.byteLength(s.value, 'utf8'), 0);
    if (total <= MAX_SECRET_BYTES) return [];
    return [`${secrets.map(s => s.name).join(', ')}: together ${total} bytes, more than the 1 MiB the Kubernetes API accepts in one Secret`];
  },
  write(target, secrets) {
    const data = secrets.map(s => `  ${yamlDoubleQuoted(s.name)}: "${Buffer.from(s.value, 'utf8').toString('base64')}"`);
    const body = [
      headerComment(target, 'kubectl apply --server-side -f this-file'),
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      `  name: ${k8sName(target.entityName)}-secrets`,
      `  namespace: ${k8sName(target.environment.target)}`,
      '  labels:',
      `    app.kubernetes.io/name: ${k8sName(target.entityName)}`,
      '    app.kubernetes.io/managed-by: stacktalk-portal',
      'type: Opaque',
      secrets.length ? 'data:' : 'data: {}',
      ...data,
      '',
    ].join('\n');
    return { filename: `${target.entityName}.${target.environment.name}.secret.yaml`, contentType: 'application/yaml; charset=utf-8', body };
  },
};
