import { Inspection } from './inspect';

/** What a build must satisfy to be released (from config, or the CLI's flags). */
export interface ReadinessPolicy {
  requireSigned?: boolean;
  /** Every packed assembly must carry its own valid signature (Excel-DNA#819). */
  requirePackedSigned?: boolean;
  requirePacked?: boolean;
  /** Architectures the file may have (one file) — see `bitnessProblems` for a set of files. */
  requireArch?: string[];
  /** Days the signing certificate must still be valid. */
  minCertificateDays?: number;
  /** Oldest acceptable Excel-DNA loader version, e.g. "1.7.0". */
  minLoaderVersion?: string;
  /** Signatures must chain to a configured root. */
  requireTrusted?: boolean;
}

export interface PolicyResult {
  passed: boolean;
  problems: string[];
}

/** Compares dotted versions numerically; a pre-release suffix ("-rc4") sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [main, pre] = v.trim().split('-', 2);
    return { parts: main.split('.').map(n => parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** The problems of one inspected file under a policy. */
export function evaluatePolicy(i: Inspection, policy: ReadinessPolicy): PolicyResult {
  const problems: string[] = [];
  const sig = i.signature;
  if (policy.requireArch?.length && !policy.requireArch.includes(i.architecture)) {
    problems.push(`architecture ${i.architecture} is not one of ${policy.requireArch.join(', ')}`);
  }
  if (policy.requirePacked && !i.excelDna.packed) problems.push('not a packed Excel-DNA add-in');
  if (policy.requireSigned && sig.status !== 'valid') {
    problems.push(sig.status === 'unsigned' ? 'not signed' : `signature ${sig.status}${sig.reason ? `: ${sig.reason}` : ''}`);
  }
  if (policy.requireTrusted && sig.status === 'valid' && !sig.trusted) problems.push('signature does not chain to a trusted root');
  if (sig.status === 'valid' && policy.minCertificateDays !== undefined && (sig.expiresInDays ?? 0) < policy.minCertificateDays) {
    problems.push(sig.expired ? 'signing certificate has expired' : `signing certificate expires in ${sig.expiresInDays} days (< ${policy.minCertificateDays})`);
  }
  if (policy.requirePackedSigned) {
    for (const r of i.excelDna.resources) {
      if (r.signature && r.signature.status !== 'valid') problems.push(`packed ${r.name} is ${r.signature.status}`);
    }
  }
  if (policy.minLoaderVersion && i.excelDna.isExcelDna) {
    const v = i.excelDna.loaderVersion;
    if (!v || compareVersions(v, policy.minLoaderVersion) < 0) problems.push(`Excel-DNA loader ${v ?? 'of unknown version'} is older than ${policy.minLoaderVersion}`);
  }
  for (const r of i.excelDna.resources) if (r.problem) problems.push(`resource ${r.type}/${r.name} unreadable: ${r.problem}`);
  return { passed: problems.length === 0, problems };
}
