import { execFileSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { createHash } from 'crypto';
import { hashFileAndImage, peImageHash } from './authenticode';
import { inspectPe } from './inspect';
import { DIR_SECURITY, parsePe } from './pe';
import { evaluatePolicy } from './policy';
import { describeWithFixtures, dnaFile, loader, packAddIn } from '../testUtils';
import { AddInSet, buildAddIns, managedHost } from '../fixture/addInSet';

describeWithFixtures()('inspectPe on the official Excel-DNA loaders', () => {
  it.each([
    ['v1.9.0-rc4', 32, 'PE32', 'x86', '1.9.0.10', false],
    ['v1.9.0-rc4', 64, 'PE32+', 'x64', '1.9.0.10', false],
    ['v1.6.0', 32, 'PE32', 'x86', '1.6.0.0', true],
    ['v1.6.0', 64, 'PE32+', 'x64', '1.6.0.0', true],
  ] as const)('%s %i-bit: %s %s, loader %s, encoded %s', (version, bits, format, arch, loaderVersion, encoded) => {
    const i = inspectPe(loader(version, bits));
    expect(i.format).toBe(format);
    expect(i.architecture).toBe(arch);
    expect(i.excelDna.isExcelDna).toBe(true);
    expect(i.excelDna.packed).toBe(false);
    expect(i.excelDna.dna).toBeNull();
    expect(i.excelDna.loaderVersion).toBe(loaderVersion);
    expect(i.signature.status).toBe('unsigned');
    const parts = Object.fromEntries(i.excelDna.resources.map(r => [`${r.type}/${r.name}`, r]));
    expect(Object.keys(parts).sort()).toEqual(['ASSEMBLY/EXCELDNA.MANAGEDHOST', 'ASSEMBLY_LZMA/EXCELDNA.INTEGRATION', 'ASSEMBLY_LZMA/EXCELDNA.LOADER']);
    for (const r of Object.values(parts)) {
      expect(r.problem).toBeUndefined();
      expect(r.encoded).toBe(encoded);
      expect(r.assembly?.version).toBe('1.1.0.0');
    }
    expect(parts['ASSEMBLY_LZMA/EXCELDNA.LOADER'].assembly?.name).toBe('ExcelDna.Loader');
    expect(parts['ASSEMBLY_LZMA/EXCELDNA.LOADER'].unpackedSize).toBeGreaterThan(parts['ASSEMBLY_LZMA/EXCELDNA.LOADER'].size * 10);
    expect(parts['ASSEMBLY/EXCELDNA.MANAGEDHOST'].assembly?.name).toBe('ExcelDna.ManagedHost');
  });

  it('reads packed v1.6.0-style parts: XOR-encoded DNA and assemblies, compressed or not', () => {
    const dll = managedHost('v1.6.0');
    const xll = packAddIn(loader('v1.6.0', 32), [
      { type: 'DNA', name: '__MAIN__', data: Buffer.from(dnaFile('Legacy', ['LEGACY'], ['HELPER'])), encode: true, compress: true },
      { type: 'ASSEMBLY', name: 'LEGACY', data: dll, encode: true, compress: true },
      { type: 'ASSEMBLY', name: 'HELPER', data: dll, encode: true },
    ]);
    const i = inspectPe(xll);
    expect(i.excelDna.packed).toBe(true);
    expect(i.excelDna.dna).toMatchObject({ name: 'Legacy', runtimeVersion: 'v4.0' });
    expect(i.excelDna.dna?.entries.map(e => [e.kind, e.packed])).toEqual([['ExternalLibrary', 'LEGACY'], ['Reference', 'HELPER']]);
    const legacy = i.excelDna.resources.find(r => r.name === 'LEGACY')!;
    expect(legacy).toMatchObject({ type: 'ASSEMBLY_LZMA', compressed: true, encoded: true, unpackedSize: dll.length, assembly: { name: 'ExcelDna.ManagedHost' } });
    expect(i.excelDna.resources.find(r => r.name === 'HELPER')).toMatchObject({ compressed: false, encoded: true, size: dll.length });
    expect(i.excelDna.resources.find(r => r.name === '__MAIN__')).toMatchObject({ type: 'DNA_LZMA', encoded: true });
  });
});

describeWithFixtures()('Authenticode of packed add-ins signed with osslsigncode', () => {
  let set: AddInSet;
  beforeAll(() => {
    set = buildAddIns();
  }, 60_000);

  it('a signed add-in is valid, chains to the configured root, and osslsigncode agrees', () => {
    const i = inspectPe(set.signed64, { trustedRoots: set.roots });
    expect(i.signature).toMatchObject({ status: 'valid', trusted: true, expired: false, digestAlgorithm: 'sha256', timestamped: false });
    expect(i.signature.signer).toMatchObject({ subject: 'CN=StackTalk desk signer, O=StackTalk', issuer: 'CN=StackTalk Test Root CA, O=StackTalk' });
    expect(i.signature.signer!.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(i.signature.expiresInDays).toBeGreaterThan(700);
    expect(i.excelDna.resources.find(r => r.name === 'STACKTALK.ADDIN')?.signature?.status).toBe('valid');
    const file = join(set.pki.dir, 'signed64.xll');
    writeFileSync(file, set.signed64);
    expect(execFileSync('osslsigncode', ['verify', '-CAfile', set.pki.caCert, '-in', file]).toString()).toMatch(/Signature verification: ok/);
  });

  it('without configured roots the same signature is valid but not trusted', () => {
    expect(inspectPe(set.signed64).signature).toMatchObject({ status: 'valid', trusted: false });
  });

  it.each([
    ['in the code', 0x1000],
    ['in the DOS stub', 0x50],
  ])('a byte changed after signing (%s) is hash-mismatch', (_what, offset) => {
    const tampered = Buffer.from(set.signed64);
    tampered[offset] ^= 0x01;
    expect(inspectPe(tampered, { trustedRoots: set.roots }).signature).toMatchObject({ status: 'hash-mismatch' });
  });

  it('the one-pass hashing (file sha256 + PE image hash) gives what hashing twice gives', () => {
    for (const f of [set.signed64, set.signed32]) {
      const pe = parsePe(f);
      const { sha256, image } = hashFileAndImage(pe);
      expect(sha256).toBe(createHash('sha256').update(f).digest('hex'));
      const dir = pe.directories[DIR_SECURITY];
      expect(image!.digest.equals(peImageHash(pe, 'sha256', dir.rva, dir.size))).toBe(true);
      // the caller's hash is taken as it is (the backend hashed the upload already)
      expect(hashFileAndImage(pe, 'a'.repeat(64))).toEqual({ sha256: 'a'.repeat(64), image });
    }
    const unsigned = hashFileAndImage(parsePe(set.unsigned64));
    expect(unsigned).toEqual({ sha256: createHash('sha256').update(set.unsigned64).digest('hex') });
  });

  it('the checksum field is outside the hash: changing it keeps the signature valid', () => {
    const copy = Buffer.from(set.signed64);
    const checksum = copy.readUInt32LE(0x3c) + 4 + 20 + 64;
    copy.writeUInt32LE(0x12345678, checksum);
    expect(inspectPe(copy).signature.status).toBe('valid');
  });

  it('a changed signature value is malformed (signed attributes do not verify)', () => {
    const copy = Buffer.from(set.signed64);
    expect(inspectPe(copy).signature.status).toBe('valid');
    const peOffset = copy.readUInt32LE(0x3c);
    const sec = copy.readUInt32LE(peOffset + 24 + 112 + 4 * 8);
    const len = copy.readUInt32LE(sec);
    copy[sec + len - 20] ^= 0xff; // inside the RSA signature, which ends the SignerInfo
    expect(inspectPe(copy).signature.status).toBe('malformed');
  });

  it('an expired certificate: still a valid signature, reported expired, and the readiness policy refuses it', () => {
    const i = inspectPe(set.expired64, { trustedRoots: set.roots });
    expect(i.signature).toMatchObject({ status: 'valid', expired: true, timestamped: false });
    expect(evaluatePolicy(i, { requireSigned: true, minCertificateDays: 30 }).problems).toEqual(['signing certificate has expired']);
  });

  it('Excel-DNA#819: a signed add-in with an unsigned packed DLL fails the packed-signed rule', () => {
    const i = inspectPe(set.innerUnsigned64, { trustedRoots: set.roots });
    expect(i.signature.status).toBe('valid');
    expect(evaluatePolicy(i, { requireSigned: true, requirePackedSigned: true }).problems).toEqual([
      'packed EXCELDNA.MANAGEDHOST is unsigned',
      'packed EXCELDNA.INTEGRATION is unsigned',
      'packed EXCELDNA.LOADER is unsigned',
      'packed STACKTALK.ADDIN is unsigned',
    ]);
  });

  it('the loader version rule compares numerically, a pre-release before its release', () => {
    const i = inspectPe(set.signed32);
    expect(i.architecture).toBe('x86');
    expect(evaluatePolicy(i, { minLoaderVersion: '1.9.0' }).passed).toBe(true);
    expect(evaluatePolicy(i, { minLoaderVersion: '1.10.0' }).problems).toEqual(['Excel-DNA loader 1.9.0.10 is older than 1.10.0']);
  });
});
