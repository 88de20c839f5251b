// Tests of scripts/validate-k8s.mjs on copies of deploy/k8s: the kept manifests pass, a misspelt
// field name (at the top of a spec or deep in a container) fails naming it, a wrong type fails.
//   node --test scripts/validate-k8s.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Validates a copy of deploy/k8s with `edit(file, text)` applied to deployment.yaml's text. */
function validate(edit = text => text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-k8s-'));
  try {
    for (const f of fs.readdirSync(path.join(ROOT, 'deploy/k8s'))) fs.copyFileSync(path.join(ROOT, 'deploy/k8s', f), path.join(dir, f));
    const file = path.join(dir, 'deployment.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const edited = edit(text);
    assert.notEqual(edited, text, 'the edit changed nothing');
    fs.writeFileSync(file, edited);
    return spawnSync(process.execPath, [path.join(ROOT, 'scripts/validate-k8s.mjs'), dir], { cwd: ROOT, encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the kept manifests are valid', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/validate-k8s.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Kubernetes objects valid/);
});

test('a misspelt field name deep in a container fails, naming it and its type', () => {
  const r = validate(t => t.replace(/\ballowPrivilegeEscalation:/, 'allowPrivilegeEscalaton:'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /deployment\.yaml: Deployment\/stacktalk-portal: .*'"allowPrivilegeEscalaton"' does not exist in type 'ISecurityContext'/);
});

test('a misspelt field name in a spec fails', () => {
  const r = validate(t => t.replace(/\bselector:/, 'selectr:'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /'"selectr"' does not exist in type 'IDeploymentSpec'/);
});

test('a wrong type fails (the JSON schema)', () => {
  const r = validate(t => t.replace(/replicas: \d+/, 'replicas: two'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Deployment\/stacktalk-portal: .*replicas.*must be integer|must be integer/);
});
