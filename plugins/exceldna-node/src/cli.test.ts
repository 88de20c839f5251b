import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { describeWithFixtures } from './testUtils';
import { AddInSet, buildAddIns } from './fixture/addInSet';

const repoRoot = resolve(__dirname, '../../..');

/** Runs the CLI the way pipelines do: `npx exceldna-inspect` from the repository root. */
function npx(args: string[]) {
  const r = spawnSync('npx', ['--no-install', 'exceldna-inspect', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeWithFixtures()('npx exceldna-inspect', () => {
  let set: AddInSet;
  let dir: string;
  const file = (name: string, data: Buffer | string) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  beforeAll(() => {
    set = buildAddIns();
    dir = mkdtempSync(join(tmpdir(), 'exceldna-cli-'));
  }, 60_000);

  it('--json prints the documented fields and exits 0 when the policy passes', () => {
    const r = npx([file('signed64.xll', set.signed64), '--json', '--require-signed', '--require-arch', 'x86,x64', '--trusted-root', set.pki.caCert]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      architecture: 'x64',
      format: 'PE32+',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      excelDna: { isExcelDna: true, packed: true, dna: { name: 'StackTalk Pricing', entries: [{ kind: 'ExternalLibrary', packed: 'STACKTALK.ADDIN' }] } },
      signature: { status: 'valid', trusted: true, signer: { subject: expect.any(String), issuer: expect.any(String), notBefore: expect.any(String), notAfter: expect.any(String), thumbprint: expect.any(String) } },
      policy: { passed: true, problems: [] },
    });
    for (const res of out.excelDna.resources) {
      expect(Object.keys(res)).toEqual(expect.arrayContaining(['type', 'name', 'compressed', 'encoded', 'size', 'unpackedSize']));
    }
  });

  it('exits 1 with the problems when the policy fails (unsigned, wrong architecture, tampered)', () => {
    const unsigned = npx([file('unsigned64.xll', set.unsigned64), '--json', '--require-signed']);
    expect(unsigned.code).toBe(1);
    expect(JSON.parse(unsigned.stdout).policy.problems).toEqual(['not signed']);
    const arch = npx([file('signed32.xll', set.signed32), '--require-arch', 'x64']);
    expect(arch.code).toBe(1);
    expect(arch.stdout).toMatch(/FAILED: architecture x86 is not one of x64/);
    const tampered = Buffer.from(set.signed64);
    tampered[0x1000] ^= 1;
    const t = npx([file('tampered.xll', tampered), '--json', '--require-signed']);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.stdout).signature.status).toBe('hash-mismatch');
  });

  it('exits 2 with a one-line reason for a file that is not a readable PE, or a missing file', () => {
    for (const [name, data] of [['text.xll', 'hello'], ['truncated.xll', set.unsigned64.subarray(0, 300)]] as const) {
      const r = npx([file(name, data), '--json']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(npx([join(dir, 'absent.xll')]).code).toBe(2);
    expect(npx(['--bogus']).code).toBe(2);
  });
});
