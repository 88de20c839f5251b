/**
 * Excel-DNA inspector: a 100 MB packed add-in.
 *
 *   npm run bench:exceldna -- [--mb 100]
 *
 * Builds a packed add-in from the official v1.9.0-rc4 x64 loader (../shared/fixtures/exceldna):
 * the .dna, one LZMA-compressed signed-size assembly (the loader's own managed host) and a stored
 * (uncompressed) data resource making the file up to the size asked; measured unsigned and signed
 * (osslsigncode, a test CA): signed, the file's sha256 and the Authenticode PE hash are computed in
 * one pass over it (authenticode.ts hashFileAndImage).
 * Each measurement runs in a fresh Node process (median of three): wall time, peak RSS and its growth
 * (getrusage maxRSS minus the RSS before reading; the node transform's own ~150 MB is not the file's) of
 * `inspectPe(readFileSync(file))`, next to a plain sha256 of `readFileSync(file)`.
 * Goal (issue 22): inspection ≤ 1 s and peak RSS ≤ 2 × the file size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dnaFile, haveExcelDnaFixtures, exceldnaFixturesDir, loader, makeTestPki, packAddIn, signPe } from '../plugins/exceldna-node/src/fixture/addIns';
import { managedHost } from '../plugins/exceldna-node/src/fixture/addInSet';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' } } });
const mb = Number(values.mb);

if (!haveExcelDnaFixtures()) {
  console.error(`the Excel-DNA fixtures are absent from ${exceldnaFixturesDir}; nothing to measure`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'exceldna-bench-'));
const file = join(dir, 'Big-AddIn64-packed.xll');
const base = loader('v1.9.0-rc4', 64);
const filler = Buffer.alloc(Math.max(0, mb * 1024 * 1024 - base.length - 200_000));
for (let i = 0; i < filler.length; i += 4096) filler[i] = i & 0xff;
const packed = packAddIn(base, [
  { type: 'DNA', name: '__MAIN__', data: Buffer.from(dnaFile('Big', ['BIG.ADDIN'])) },
  { type: 'ASSEMBLY', name: 'BIG.ADDIN', data: managedHost('v1.9.0-rc4'), compress: true },
  { type: 'IMAGE', name: 'BIG.DATA', data: filler },
]);
writeFileSync(file, packed);
// the same add-in signed (osslsigncode, a test CA): the inspection then also recomputes the PE hash
const signedFile = join(dir, 'Big-AddIn64-packed-signed.xll');
writeFileSync(signedFile, signPe(makeTestPki(join(dir, 'pki')), packed));

const root = resolve(__dirname, '..');
function measure(kind: 'inspect' | 'sha256', path: string) {
  const script =
    kind === 'inspect'
      ? `const { inspectPe } = require('${root}/plugins/exceldna-node/src'); const fs = require('fs'); const base = process.memoryUsage().rss;
         const t = performance.now(); const i = inspectPe(fs.readFileSync(process.argv[1]));
         const ms = performance.now() - t; if (!i.excelDna.packed) throw new Error('not packed');
         console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, base }));`
      : `const fs = require('fs'); const c = require('crypto'); const base = process.memoryUsage().rss;
         const t = performance.now(); c.createHash('sha256').update(fs.readFileSync(process.argv[1])).digest('hex');
         const ms = performance.now() - t; console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, base }));`;
  const runs = [0, 1, 2].map(() =>
    JSON.parse(execFileSync(process.execPath, ['--require', '@backstage/cli/config/nodeTransform.cjs', '-e', script, path], { cwd: root, encoding: 'utf8' })),
  );
  runs.sort((a, b) => a.ms - b.ms);
  return runs[1]; // median of three
}

const MB = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
let allOk = true;
for (const [label, path] of [['unsigned', file], ['signed', signedFile]] as const) {
  const size = statSync(path).size;
  const sha = measure('sha256', path);
  const insp = measure('inspect', path);
  console.log(`${label} file ${MB(size)}`);
  console.log(`  sha256 read   : ${sha.ms.toFixed(0)} ms, peak RSS ${MB(sha.rss)} (${MB(sha.base)} before reading)`);
  console.log(`  inspectPe     : ${insp.ms.toFixed(0)} ms, peak RSS ${MB(insp.rss)} (${MB(insp.base)} before reading)`);
  console.log(`  ratio         : time ${(insp.ms / sha.ms).toFixed(2)} x, RSS ${(insp.rss / sha.rss).toFixed(2)} x; RSS / file ${((insp.rss - insp.base) / size).toFixed(2)} (growth)`);
  const ok = insp.ms <= 1000 && insp.rss - insp.base <= 2 * size;
  allOk &&= ok;
  console.log(`  goal (≤ 1 s, RSS ≤ 2 × file): ${ok ? 'met' : 'NOT met'}`);
}
console.log(`goal ${allOk ? 'met' : 'NOT met'} for both`);
rmSync(dir, { recursive: true, force: true });
