/*
 * Test helpers: the official Excel-DNA loaders from ../shared/fixtures/exceldna (never copied into the
 * repository), packed add-ins written with resedit, test certificates from openssl and Authenticode
 * signatures from osslsigncode.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { lzma } from '@napi-rs/lzma';

/** Where the official loader builds live: EXCELDNA_FIXTURES, else ../shared/fixtures/exceldna next to the repository. */
export const exceldnaFixturesDir =
  // eslint-disable-next-line no-restricted-syntax -- test helper, run from the source tree only
  process.env.EXCELDNA_FIXTURES ?? resolve(__dirname, '../../../../shared/fixtures/exceldna');

export function haveExcelDnaFixtures(): boolean {
  return existsSync(join(exceldnaFixturesDir, 'v1.9.0-rc4', 'ExcelDna64.xll'));
}

/**
 * `describe` when the official loaders are there, else `describe.skip` after saying so:
 * `describeWithFixtures()('name', () => ...)`.
 */
export function describeWithFixtures(): jest.Describe {
  if (haveExcelDnaFixtures()) return describe;
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: the Excel-DNA fixtures are absent from ${exceldnaFixturesDir} (set EXCELDNA_FIXTURES); the real-file tests do not run`);
  return describe.skip;
}

export type LoaderVersion = 'v1.6.0' | 'v1.9.0-rc4';

export function loader(version: LoaderVersion, bits: 32 | 64): Buffer {
  return readFileSync(join(exceldnaFixturesDir, version, bits === 64 ? 'ExcelDna64.xll' : 'ExcelDna.xll'));
}

const KEY = Buffer.from('ExcelDna', 'latin1');
/** Excel-DNA v1.6.0's resource encoding. */
export const xorEncode = (b: Buffer) => Buffer.from(b.map((v, i) => v ^ KEY[i & 7]));

/** Excel-DNA's LZMA resource layout: 5 property bytes, the 8-byte unpacked size, raw LZMA. */
export function lzmaResource(data: Buffer): Buffer {
  const packed = Buffer.from(lzma.compressSync(data));
  packed.writeBigUInt64LE(BigInt(data.length), 5);
  return packed;
}

export interface PackedPart {
  type: 'ASSEMBLY' | 'DNA' | 'IMAGE' | 'CONFIG' | 'SOURCE';
  name: string;
  data: Buffer;
  compress?: boolean;
  /** Apply the v1.6.0 XOR encoding before compressing. */
  encode?: boolean;
}

/** A packed add-in: the loader with `parts` added as Excel-DNA resources (what ExcelDnaPack writes). */
export function packAddIn(loaderFile: Buffer, parts: PackedPart[]): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-undeclared-imports -- tests only
  const ResEdit = require('resedit');
  const exe = ResEdit.NtExecutable.from(loaderFile);
  const res = ResEdit.NtExecutableResource.from(exe);
  for (const p of parts) {
    // a part of the same name replaces the loader's own (e.g. a signed EXCELDNA.LOADER)
    res.entries = res.entries.filter((e: { type: unknown; id: unknown }) => !(e.id === p.name && (e.type === p.type || e.type === `${p.type}_LZMA`)));
    let data = p.encode ? xorEncode(p.data) : p.data;
    if (p.compress) data = lzmaResource(data);
    res.entries.push({ type: p.compress ? `${p.type}_LZMA` : p.type, id: p.name, lang: 0, codepage: 0, bin: new Uint8Array(data).buffer });
  }
  res.outputResource(exe);
  return Buffer.from(exe.generate());
}

export function dnaFile(name: string, libraries: string[], references: string[] = []): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<DnaLibrary Name="${name}" RuntimeVersion="v4.0" xmlns="http://schemas.excel-dna.net/addin/2020/07/dnalibrary">`,
    ...libraries.map(l => `  <ExternalLibrary Path="packed:${l}" ExplicitExports="false" LoadFromBytes="true" Pack="true" />`),
    ...references.map(r => `  <Reference Path="packed:${r}" Pack="true" />`),
    '</DnaLibrary>',
  ].join('\n');
}

export interface TestPki {
  dir: string;
  caCert: string;
  cert: string;
  key: string;
  expiredCert: string;
  expiredKey: string;
}

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** A test CA with a code-signing certificate valid for two years and one that expired in 2021. */
export function makeTestPki(dir: string): TestPki {
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'db/index.txt'), '');
  writeFileSync(join(dir, 'db/serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]', 'default_ca = test', '[test]', `dir = ${dir}`, 'database = $dir/db/index.txt', 'serial = $dir/db/serial',
      'new_certs_dir = $dir/db', 'certificate = $dir/ca.pem', 'private_key = $dir/ca.key', 'default_md = sha256',
      'policy = any', 'unique_subject = no', 'copy_extensions = none', 'x509_extensions = codesign',
      '[any]', 'commonName = supplied', 'organizationName = optional',
      '[codesign]', 'basicConstraints = CA:FALSE', 'keyUsage = digitalSignature', 'extendedKeyUsage = codeSigning',
      'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
    ].join('\n'),
  );
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=StackTalk Test Root CA/O=StackTalk'], dir);
  const issue = (name: string, dates: string[]) => {
    run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=StackTalk ${name} signer/O=StackTalk`], dir);
    run('openssl', ['ca', '-batch', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', ...dates], dir);
  };
  issue('desk', ['-days', '730']);
  issue('expired', ['-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    cert: join(dir, 'desk.pem'),
    key: join(dir, 'desk.key'),
    expiredCert: join(dir, 'expired.pem'),
    expiredKey: join(dir, 'expired.key'),
  };
}

/** Signs a PE with osslsigncode (SHA-256, the CA added to the signature's certificates). */
export function signPe(pki: TestPki, input: Buffer, opts: { expired?: boolean } = {}): Buffer {
  const inFile = join(pki.dir, `in-${process.pid}-${Date.now()}.bin`);
  const outFile = `${inFile}.signed`;
  writeFileSync(inFile, input);
  const [cert, key] = opts.expired ? [pki.expiredCert, pki.expiredKey] : [pki.cert, pki.key];
  run('osslsigncode', ['sign', '-certs', cert, '-ac', pki.caCert, '-key', key, '-h', 'sha256', '-n', 'StackTalk add-in', '-in', inFile, '-out', outFile], pki.dir);
  return readFileSync(outFile);
}

export { buildAddIns, managedHost } from './inspector/testAddIns';
export type { AddInSet } from './inspector/testAddIns';
