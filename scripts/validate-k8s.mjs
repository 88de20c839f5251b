// Validates every object of deploy/k8s (the files kustomization.yaml lists) against the
// Kubernetes OpenAPI schemas of `kubernetes-models` (JSON schemas + ajv: wrong types, missing
// required fields, bad enums are errors; like Kubernetes' own schemas, a misspelt field name is NOT
// caught), plus the rules this deployment relies on. Exit 1 with the reasons.
//   node scripts/validate-k8s.mjs [DIR]
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = path.resolve(process.argv[2] ?? 'deploy/k8s');
const kustomization = parseAllDocuments(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS();
const errors = [];
const objects = [];
for (const file of kustomization.resources) {
  for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
    const obj = doc.toJS();
    if (!obj) continue;
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
    const modulePath = `kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`;
    let Model;
    try {
      ({ [obj.kind]: Model } = await import(modulePath));
    } catch {
      errors.push(`${file}: ${obj.apiVersion} ${obj.kind} is not a known Kubernetes kind`);
      continue;
    }
    try {
      new Model(obj).validate();
      objects.push(obj);
    } catch (e) {
      errors.push(`${file}: ${obj.kind}/${obj.metadata?.name}: ${e.message}`);
    }
  }
}

// What production needs beyond the schema (docs/production.md).
const find = kind => objects.find(o => o.kind === kind);
const deployment = find('Deployment');
if (!deployment) errors.push('no Deployment');
else {
  const c = deployment.spec.template.spec.containers[0];
  if (deployment.spec.replicas < 2) errors.push('Deployment: fewer than 2 replicas');
  if (deployment.spec.strategy?.rollingUpdate?.maxUnavailable !== 0) errors.push('Deployment: maxUnavailable must be 0');
  if (c.readinessProbe?.httpGet?.path !== '/.backstage/health/v1/readiness') errors.push('Deployment: readiness probe not on /.backstage/health/v1/readiness');
  if (c.livenessProbe?.httpGet?.path !== '/.backstage/health/v1/liveness') errors.push('Deployment: liveness probe not on /.backstage/health/v1/liveness');
  if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) errors.push('Deployment: no resource requests');
  if (!deployment.spec.template.spec.securityContext?.runAsNonRoot) errors.push('Deployment: not runAsNonRoot');
  if (!(c.envFrom ?? []).some(e => e.secretRef)) errors.push('Deployment: secrets not from a Secret');
}
const pdb = find('PodDisruptionBudget');
if (!pdb) errors.push('no PodDisruptionBudget');
if (errors.length) {
  process.stderr.write(`${errors.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${objects.length} Kubernetes objects valid (${objects.map(o => o.kind).join(', ')})\n`);
