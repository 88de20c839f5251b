import { evaluatePolicy, type Inspection } from '@stacktalk/plugin-exceldna-node';
import type { AddInBuild } from '@stacktalk/plugin-exceldna-common';
import type { ExceldnaConfig } from './config';
import type { StoredBuild } from './BuildStore';

/** A build as the API answers it: each file's problems and the build's release readiness verdict. */
export function judgeBuild(b: StoredBuild, config: ExceldnaConfig): AddInBuild {
  const files = b.files.map(f => ({
    fileName: f.fileName,
    sha256: f.sha256,
    size: f.size,
    architecture: 'malformed' in f.inspection ? 'unknown' : f.inspection.architecture,
    inspection: f.inspection as unknown as Record<string, any>,
    problems:
      'malformed' in f.inspection
        ? [`not a readable PE: ${f.inspection.malformed}`]
        : evaluatePolicy(f.inspection as Inspection, config.filePolicy).problems,
  }));
  const problems: string[] = [];
  if (!files.length) problems.push('no add-in files');
  if (config.requireBothBitnesses) {
    for (const arch of ['x86', 'x64']) if (!files.some(f => f.architecture === arch)) problems.push(`no ${arch} add-in`);
  }
  for (const f of files) for (const p of f.problems) problems.push(`${f.fileName}: ${p}`);
  return {
    id: String(b.id),
    source: b.source,
    version: b.version,
    branch: b.branch,
    commit: b.commit,
    createdAt: b.createdAt,
    url: b.url,
    files,
    readiness: { ready: problems.length === 0, problems },
  };
}
