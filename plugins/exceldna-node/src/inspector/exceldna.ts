import { lzma } from '@napi-rs/lzma';
import { checkAuthenticode, SignatureReport } from './authenticode';
import { DnaLibrary, parseDna } from './dna';
import { readAssemblyIdentity } from './dotnet';
import { MalformedFileError } from './errors';
import { parsePe } from './pe';
import { PeResource } from './resources';
import { X509Certificate } from 'crypto';

/** One Excel-DNA resource (loader part or packed add-in part). */
export interface ExcelDnaResource {
  type: string;
  name: string;
  compressed: boolean;
  /** The v1.6.0 XOR encoding (key "ExcelDna") was found and undone. */
  encoded: boolean;
  /** Stored bytes in the .xll. */
  size: number;
  /** Bytes after decompression (and decoding). */
  unpackedSize: number | null;
  assembly?: { name: string; version: string };
  /** The packed PE's own Authenticode state (Excel-DNA#819). */
  signature?: SignatureReport;
  /** Why the resource could not be read, if it could not. */
  problem?: string;
}

export interface ExcelDnaReport {
  isExcelDna: boolean;
  packed: boolean;
  loaderVersion: string | null;
  resources: ExcelDnaResource[];
  dna: DnaLibrary | null;
}

const LOADER_PARTS = ['EXCELDNA.MANAGEDHOST', 'EXCELDNA.LOADER', 'EXCELDNA.INTEGRATION'];
const KEY = Buffer.from('ExcelDna', 'latin1');
/** Largest unpacked resource we decompress (the header's 8-byte size is checked first). */
export const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

function xor(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ KEY[i & 7];
  return out;
}

const looksLikePe = (b: Buffer) => b.length > 1 && b[0] === 0x4d && b[1] === 0x5a;
const looksLikeText = (b: Buffer) => /^(\uFEFF)?\s*</.test(b.subarray(0, 64).toString('utf8'));

/** Decompresses an Excel-DNA `_LZMA` resource: 5 property bytes, an 8-byte little-endian size, raw LZMA. */
export function unpackLzma(stored: Buffer): Buffer {
  if (stored.length < 13) throw new MalformedFileError('LZMA resource shorter than its header');
  const size = stored.readBigUInt64LE(5);
  if (size > BigInt(MAX_UNPACKED_BYTES)) throw new MalformedFileError(`LZMA resource claims ${size} bytes unpacked`);
  // A well-formed LZMA stream cannot expand much beyond ~7000:1; refuse header sizes no stream this short can reach.
  if (Number(size) > stored.length * 8000 + 4096) throw new MalformedFileError('LZMA resource claims an impossible unpacked size');
  const out = lzma.decompressSync(stored);
  if (out.length !== Number(size)) throw new MalformedFileError(`LZMA resource unpacked to ${out.length} bytes, header says ${size}`);
  return out;
}

function readResource(buf: Buffer, r: PeResource, roots: X509Certificate[], now: Date, text: Map<string, string>): ExcelDnaResource {
  const type = String(r.type);
  const name = String(r.name);
  const compressed = type.endsWith('_LZMA');
  const baseType = compressed ? type.slice(0, -5) : type;
  const entry: ExcelDnaResource = { type, name, compressed, encoded: false, size: r.size, unpackedSize: null };
  try {
    let data = buf.subarray(r.offset, r.offset + r.size);
    if (compressed) data = unpackLzma(data);
    const plausible = ({ ASSEMBLY: looksLikePe, DNA: looksLikeText } as Record<string, (b: Buffer) => boolean>)[baseType];
    if (plausible && !plausible(data) && plausible(xor(data.subarray(0, 64)))) {
      data = xor(data);
      entry.encoded = true;
    }
    entry.unpackedSize = data.length;
    if (baseType === 'ASSEMBLY' && looksLikePe(data)) {
      const inner = parsePe(data);
      entry.assembly = readAssemblyIdentity(inner);
      entry.signature = checkAuthenticode(inner, roots, now);
    }
    if (baseType === 'DNA') text.set(name, data.toString('utf8'));
  } catch (e) {
    entry.problem = (e as Error).message;
  }
  return entry;
}

/** Excel-DNA facts of a PE's resources: loader parts, packed parts (unpacked and checked), the main .dna. */
export function readExcelDna(buf: Buffer, resources: PeResource[], roots: X509Certificate[], now: Date, loaderVersion: string | null): ExcelDnaReport {
  const named = resources.filter(r => typeof r.type === 'string' && typeof r.name === 'string');
  const text = new Map<string, string>();
  const parts = named.map(r => readResource(buf, r, roots, now, text));
  const isExcelDna = parts.some(p => /^ASSEMBLY(_LZMA)?$/.test(p.type) && LOADER_PARTS.includes(p.name));
  const main = text.get('__MAIN__');
  return {
    isExcelDna,
    packed: parts.some(p => /^DNA(_LZMA)?$/.test(p.type) && p.name === '__MAIN__'),
    loaderVersion: isExcelDna ? loaderVersion : null,
    resources: parts,
    dna: main === undefined ? null : parseDna(main) ?? null,
  };
}
