// Validates every object of deploy/k8s (the files kustomization.yaml lists) against the
// Kubernetes OpenAPI schemas of `kubernetes-models` (JSON schemas + ajv: wrong types, missing
// required fields, bad enums are errors), strictly: a field the schema does not know (a misspelt
// name, at any depth) is an error too, found by type-checking each object as a literal of the
// package's TypeScript type of its kind (generated from the same OpenAPI schemas; an object
// literal may only name known properties). Plus the rules this deployment relies on. Exit 1
// with the reasons. Test: scripts/validate-k8s.test.mjs.
//   node scripts/validate-k8s.mjs [DIR]
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const dir = path.resolve(process.argv[2] ?? 'deploy/k8s');
const kustomization = parseAllDocuments(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS();
const errors = [];
const objects = [];
const typed = [];
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
    typed.push({ file, obj, modulePath });
    try {
      new Model(obj).validate();
      objects.push(obj);
    } catch (e) {
      errors.push(`${file}: ${obj.kind}/${obj.metadata?.name}: ${e.message}`);
    }
  }
}
errors.push(...unknownFields(typed));

/**
 * Fields the kinds' schemas do not have: each object becomes `const o: I<Kind> = {...}` in a
 * virtual TypeScript file (under the repository, so `kubernetes-models` resolves); the excess
 * property errors of the type check name the field and the type that lacks it.
 */
function unknownFields(items) {
  if (!items.length) return [];
  const lines = [];
  const owners = []; // line index → [item, its first line]
  items.forEach((item, i) => {
    lines.push(`import type { I${item.obj.kind} as T${i} } from '${item.modulePath}';`);
    owners.push(undefined);
  });
  items.forEach((item, i) => {
    const body = `export const o${i}: T${i} = ${JSON.stringify(item.obj, null, 2)};`.split('\n');
    lines.push(...body);
    const first = lines.length - body.length;
    owners.push(...body.map(() => [item, first]));
  });
  const virtual = path.join(ROOT, 'deploy', '__validate_k8s_strict__.ts');
  const source = lines.join('\n');
  const options = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) => (path.resolve(name) === virtual ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022, true) : getSourceFile.call(host, name, ...rest));
  host.fileExists = name => path.resolve(name) === virtual || fileExists.call(host, name);
  host.readFile = name => (path.resolve(name) === virtual ? source : readFile.call(host, name));
  const program = ts.createProgram([virtual], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter(d => d.file && path.resolve(d.file.fileName) === virtual)
    .map(d => {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      const [item, first] = owners[line] ?? [];
      const where = item ? `${item.file}: ${item.obj.kind}/${item.obj.metadata?.name}` : 'deploy/k8s';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}${item ? ` (line ${line - first + 1} of the object as JSON)` : ''}`;
    });
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
