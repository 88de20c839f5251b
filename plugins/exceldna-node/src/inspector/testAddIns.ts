/* Shared by the inspector's tests: the add-ins built from the official loaders, once per test file. */
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { inspectPe } from './inspect';
import { parsePe } from './pe';
import { readResources } from './resources';
import { unpackLzma } from './exceldna';
import { dnaFile, loader, LoaderVersion, makeTestPki, PackedPart, packAddIn, signPe, TestPki } from '../testUtils';

/** The loader's own parts (EXCELDNA.MANAGEDHOST, .LOADER, .INTEGRATION) of a v1.9 loader, unpacked. */
export function loaderParts(bits: 32 | 64): Array<{ name: string; data: Buffer; compressed: boolean }> {
  const l = loader('v1.9.0-rc4', bits);
  return readResources(parsePe(l))
    .filter(r => typeof r.name === 'string' && String(r.name).startsWith('EXCELDNA.'))
    .map(r => {
      const stored = l.subarray(r.offset, r.offset + r.size);
      const compressed = String(r.type).endsWith('_LZMA');
      return { name: String(r.name), data: compressed ? unpackLzma(stored) : Buffer.from(stored), compressed };
    });
}

/** The loader parts signed first, as ExcelAddInSignTool does (Excel-DNA#819). */
function signedLoaderParts(pki: TestPki, bits: 32 | 64): PackedPart[] {
  return loaderParts(bits).map(p => ({ type: 'ASSEMBLY', name: p.name, data: signPe(pki, p.data), compress: p.compressed }));
}

/** The loader's own managed host, a real .NET assembly, stands in for the add-in's DLL. */
export function managedHost(version: LoaderVersion): Buffer {
  const l = loader(version, 64);
  const r = inspectPe(l).excelDna.resources.find(x => x.name === 'EXCELDNA.MANAGEDHOST')!;
  // uncompressed in both versions: take the bytes straight from the file, undoing v1.6.0's encoding
  const raw = l.subarray(l.indexOf(version === 'v1.6.0' ? Buffer.from('0822f365', 'hex') : Buffer.from('4d5a9000', 'hex'), 4096));
  const data = Buffer.from(raw.subarray(0, r.size));
  if (version === 'v1.6.0') for (let i = 0; i < data.length; i++) data[i] ^= 'ExcelDna'.charCodeAt(i & 7);
  return data;
}

export interface AddInSet {
  pki: TestPki;
  roots: string[];
  unsigned64: Buffer;
  signed64: Buffer;
  signed32: Buffer;
  /** Signed outside, but the packed DLL itself unsigned (Excel-DNA#819). */
  innerUnsigned64: Buffer;
  expired64: Buffer;
}

export function buildAddIns(): AddInSet {
  const pki = makeTestPki(mkdtempSync(join(tmpdir(), 'exceldna-pki-')));
  const dll = managedHost('v1.9.0-rc4');
  const signedDll = signPe(pki, dll);
  const pack = (bits: 32 | 64, inner: Buffer, signedLoader: boolean) =>
    packAddIn(loader('v1.9.0-rc4', bits), [
      ...(signedLoader ? signedLoaderParts(pki, bits) : []),
      { type: 'DNA', name: '__MAIN__', data: Buffer.from(dnaFile('StackTalk Pricing', ['STACKTALK.ADDIN'])) },
      { type: 'ASSEMBLY', name: 'STACKTALK.ADDIN', data: inner, compress: true },
    ]);
  return {
    pki,
    roots: [readFileSync(pki.caCert, 'utf8')],
    unsigned64: pack(64, dll, false),
    signed64: signPe(pki, pack(64, signedDll, true)),
    signed32: signPe(pki, pack(32, signedDll, true)),
    innerUnsigned64: signPe(pki, pack(64, dll, false)),
    expired64: signPe(pki, pack(64, signedDll, true), { expired: true }),
  };
}
