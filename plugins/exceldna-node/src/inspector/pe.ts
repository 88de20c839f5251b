import { check, MalformedFileError, slice } from './errors';

export type PeFormat = 'PE32' | 'PE32+';
export type PeArchitecture = 'x86' | 'x64' | 'arm64' | 'other';

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
}

export interface DataDirectory {
  rva: number;
  size: number;
}

/** The headers of a PE file, with the offsets Authenticode hashing needs. */
export interface PeImage {
  buf: Buffer;
  format: PeFormat;
  machine: number;
  architecture: PeArchitecture;
  isDll: boolean;
  sections: PeSection[];
  sizeOfHeaders: number;
  checksumOffset: number;
  /** Offset of the security (certificate table) entry of the data directory. */
  securityDirOffset: number;
  directories: DataDirectory[];
}

const MACHINES: Record<number, PeArchitecture> = { 0x14c: 'x86', 0x8664: 'x64', 0xaa64: 'arm64' };
const MAX_SECTIONS = 96;

export const DIR_RESOURCE = 2;
export const DIR_SECURITY = 4;
export const DIR_CLR = 14;

/** Parses the DOS, COFF and optional headers and the section table; throws MalformedFileError. */
export function parsePe(buf: Buffer): PeImage {
  check(buf.length >= 64 && buf.readUInt16LE(0) === 0x5a4d, 'not a PE file (no MZ header)');
  const peOffset = buf.readUInt32LE(0x3c);
  check(peOffset + 24 <= buf.length && buf.readUInt32LE(peOffset) === 0x4550, 'not a PE file (no PE signature)');
  const coff = peOffset + 4;
  const machine = buf.readUInt16LE(coff);
  const numberOfSections = buf.readUInt16LE(coff + 2);
  const sizeOfOptional = buf.readUInt16LE(coff + 16);
  const characteristics = buf.readUInt16LE(coff + 18);
  check(numberOfSections <= MAX_SECTIONS, `too many sections (${numberOfSections})`);
  const opt = coff + 20;
  const optional = slice(buf, opt, sizeOfOptional, 'optional header');
  check(optional.length >= 2, 'optional header missing');
  const magic = optional.readUInt16LE(0);
  check(magic === 0x10b || magic === 0x20b, `unknown optional header magic 0x${magic.toString(16)}`);
  const format: PeFormat = magic === 0x20b ? 'PE32+' : 'PE32';
  const dirStart = format === 'PE32+' ? 112 : 96;
  check(optional.length >= dirStart, 'optional header too short');
  const sizeOfHeaders = optional.readUInt32LE(60);
  const count = Math.min(optional.readUInt32LE(dirStart - 4), 16, Math.floor((optional.length - dirStart) / 8));
  const directories: DataDirectory[] = [];
  for (let i = 0; i < count; i++) {
    directories.push({ rva: optional.readUInt32LE(dirStart + i * 8), size: optional.readUInt32LE(dirStart + i * 8 + 4) });
  }
  check(directories.length > DIR_SECURITY, 'data directory has no security entry');
  const sectionTable = slice(buf, opt + sizeOfOptional, numberOfSections * 40, 'section table');
  const sections: PeSection[] = [];
  for (let i = 0; i < numberOfSections; i++) {
    const s = sectionTable.subarray(i * 40, i * 40 + 40);
    sections.push({
      name: s.subarray(0, 8).toString('latin1').replace(/\0+$/, ''),
      virtualSize: s.readUInt32LE(8),
      virtualAddress: s.readUInt32LE(12),
      rawSize: s.readUInt32LE(16),
      rawOffset: s.readUInt32LE(20),
    });
  }
  return {
    buf,
    format,
    machine,
    architecture: MACHINES[machine] ?? 'other',
    isDll: (characteristics & 0x2000) !== 0,
    sections,
    sizeOfHeaders,
    checksumOffset: opt + 64,
    securityDirOffset: opt + dirStart + DIR_SECURITY * 8,
    directories,
  };
}

/** File offset of a relative virtual address, or throws when no section holds it. */
export function rvaToOffset(pe: PeImage, rva: number, length = 0): number {
  for (const s of pe.sections) {
    const span = Math.max(s.virtualSize, s.rawSize);
    if (rva >= s.virtualAddress && rva + length <= s.virtualAddress + span) {
      const offset = s.rawOffset + (rva - s.virtualAddress);
      check(offset + length <= s.rawOffset + s.rawSize && offset + length <= pe.buf.length, `RVA 0x${rva.toString(16)} past its section's data`);
      return offset;
    }
  }
  if (rva + length <= pe.sizeOfHeaders && rva + length <= pe.buf.length) return rva;
  throw new MalformedFileError(`RVA 0x${rva.toString(16)} is in no section`);
}
