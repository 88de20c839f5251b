import { readFileSync, statSync } from 'fs';
import { inspectPe } from './inspector/inspect';
import { evaluatePolicy, ReadinessPolicy } from './inspector/policy';

const USAGE = 'usage: exceldna-inspect FILE [--json] [--require-signed] [--require-arch x86,x64] [--trusted-root ROOTS.pem] [--max-bytes N]';

/** Largest file the CLI reads (bytes), unless --max-bytes says otherwise. */
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Runs the CLI; returns the exit code (0 policy passed, 1 policy failed, 2 unreadable file or bad usage). */
export function runCli(argv: string[], io: Io = { stdout: s => process.stdout.write(s), stderr: s => process.stderr.write(s) }): number {
  let file: string | undefined;
  let json = false;
  const policy: ReadinessPolicy = {};
  const roots: Buffer[] = [];
  let maxBytes = DEFAULT_MAX_BYTES;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--json') json = true;
      else if (a === '--require-signed') policy.requireSigned = true;
      else if (a === '--require-arch') policy.requireArch = value().split(',').map(s => s.trim()).filter(Boolean);
      else if (a === '--trusted-root') roots.push(readFileSync(value()));
      else if (a === '--max-bytes') maxBytes = Number(value());
      else if (a === '--help' || a === '-h') {
        io.stdout(`${USAGE}\n`);
        return 0;
      } else if (a.startsWith('-') || file !== undefined) throw new Error(`unexpected argument ${a}`);
      else file = a;
    } catch (e) {
      io.stderr(`exceldna-inspect: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
  }
  if (!file) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  let result;
  try {
    const size = statSync(file).size;
    if (size > maxBytes) throw new Error(`file is ${size} bytes, more than --max-bytes ${maxBytes}`);
    const inspection = inspectPe(readFileSync(file), { trustedRoots: roots.map(r => r.toString('latin1')) });
    result = { file, ...inspection, policy: evaluatePolicy(inspection, policy) };
  } catch (e) {
    io.stderr(`exceldna-inspect: ${file}: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(summary(result));
  return result.policy.passed ? 0 : 1;
}

function summary(r: ReturnType<typeof inspectPe> & { file: string; policy: { passed: boolean; problems: string[] } }): string {
  const lines = [
    `${r.file}: ${r.format} ${r.architecture}, sha256 ${r.sha256}`,
    `Excel-DNA: ${r.excelDna.isExcelDna ? `yes, loader ${r.excelDna.loaderVersion ?? '?'}, ${r.excelDna.packed ? 'packed' : 'not packed'}` : 'no'}`,
  ];
  for (const p of r.excelDna.resources) {
    lines.push(`  ${p.type}/${p.name}: ${p.size} B${p.compressed ? ' lzma' : ''}${p.encoded ? ' xor' : ''} -> ${p.unpackedSize ?? '?'} B${p.assembly ? ` ${p.assembly.name} ${p.assembly.version}` : ''}${p.signature ? ` [${p.signature.status}]` : ''}${p.problem ? ` (${p.problem})` : ''}`);
  }
  const s = r.signature;
  lines.push(`signature: ${s.status}${s.signer ? ` by ${s.signer.subject}, until ${s.signer.notAfter}${s.trusted ? ', trusted' : ''}${s.expired ? ', EXPIRED' : ''}` : ''}${s.reason ? ` (${s.reason})` : ''}`);
  lines.push(`policy: ${r.policy.passed ? 'passed' : `FAILED: ${r.policy.problems.join('; ')}`}`);
  return `${lines.join('\n')}\n`;
}
