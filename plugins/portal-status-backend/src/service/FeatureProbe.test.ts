import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeatureProbe, findExecutable } from './FeatureProbe';

function binDir(...names: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('FeatureProbe', () => {
  it('finds commands on PATH and ignores files that are not executable', () => {
    const dir = binDir('mkdocs');
    writeFileSync(join(dir, 'not-exec'), '');
    expect(findExecutable('mkdocs', { PATH: dir })).toBe(join(dir, 'mkdocs'));
    expect(findExecutable('not-exec', { PATH: dir })).toBeUndefined();
    expect(findExecutable('mkdocs', { PATH: '' })).toBeUndefined();
  });

  it('reports each feature as available only when its program exists, with the install command', () => {
    const dir = binDir('mkdocs');
    const features = new FeatureProbe({ env: { PATH: dir }, chromium: join(dir, 'chromium') }).check();
    expect(features.find(f => f.id === 'techdocs')).toMatchObject({ available: true });
    expect(features.find(f => f.id === 'chromium')).toMatchObject({
      available: false,
      install: 'sudo apt-get install -y chromium',
    });
  });
});
