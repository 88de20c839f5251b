import { check, slice } from './errors';
import { DIR_CLR, PeImage, rvaToOffset } from './pe';

export interface AssemblyIdentity {
  name: string;
  version: string;
}

// Coded indexes (ECMA-335 II.24.2.6): tag bits and the tables they may point to.
const CODED: Record<string, [number, number[]]> = {
  TypeDefOrRef: [2, [0x02, 0x01, 0x1b]],
  HasConstant: [2, [0x04, 0x08, 0x17]],
  HasCustomAttribute: [5, [0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0a, 0x00, 0x0e, 0x17, 0x14, 0x11, 0x1a, 0x1b, 0x20, 0x23, 0x26, 0x27, 0x28, 0x2a, 0x2c, 0x2b]],
  HasFieldMarshal: [1, [0x04, 0x08]],
  HasDeclSecurity: [2, [0x02, 0x06, 0x20]],
  MemberRefParent: [3, [0x02, 0x01, 0x1a, 0x06, 0x1b]],
  HasSemantics: [1, [0x14, 0x17]],
  MethodDefOrRef: [1, [0x06, 0x0a]],
  MemberForwarded: [1, [0x04, 0x06]],
  ResolutionScope: [2, [0x00, 0x1a, 0x23, 0x01]],
  CustomAttributeType: [3, [0x06, 0x0a]],
};

// Columns of tables 0x00..0x1F, the ones before Assembly (0x20). Numbers are fixed sizes,
// 's' / 'g' / 'b' heap indexes, 't:N' a simple index into table N, other names coded indexes.
const SCHEMA: string[][] = [
  ['2', 's', 'g', 'g', 'g'],
  ['ResolutionScope', 's', 's'],
  ['4', 's', 's', 'TypeDefOrRef', 't:4', 't:6'],
  ['t:4'],
  ['2', 's', 'b'],
  ['t:6'],
  ['4', '2', '2', 's', 'b', 't:8'],
  ['t:8'],
  ['2', '2', 's'],
  ['t:2', 'TypeDefOrRef'],
  ['MemberRefParent', 's', 'b'],
  ['2', 'HasConstant', 'b'],
  ['HasCustomAttribute', 'CustomAttributeType', 'b'],
  ['HasFieldMarshal', 'b'],
  ['2', 'HasDeclSecurity', 'b'],
  ['2', '4', 't:2'],
  ['4', 't:4'],
  ['b'],
  ['t:2', 't:20'],
  ['t:20'],
  ['2', 's', 'TypeDefOrRef'],
  ['t:2', 't:23'],
  ['t:23'],
  ['2', 's', 'b'],
  ['2', 't:6', 'HasSemantics'],
  ['t:2', 'MethodDefOrRef', 'MethodDefOrRef'],
  ['s'],
  ['b'],
  ['2', 'MemberForwarded', 's', 't:26'],
  ['4', 't:4'],
  ['4', '4'],
  ['4'],
];

/** The assembly name and version from the CLI metadata of a .NET PE, or undefined when it has none. */
export function readAssemblyIdentity(pe: PeImage): AssemblyIdentity | undefined {
  const clr = pe.directories[DIR_CLR];
  if (!clr || clr.rva === 0) return undefined;
  const buf = pe.buf;
  const cli = slice(buf, rvaToOffset(pe, clr.rva, 16), 16, 'CLI header');
  const mdOffset = rvaToOffset(pe, cli.readUInt32LE(8), cli.readUInt32LE(12));
  const md = slice(buf, mdOffset, cli.readUInt32LE(12), 'metadata');
  check(md.length >= 16 && md.readUInt32LE(0) === 0x424a5342, 'bad metadata signature');
  const versionLength = md.readUInt32LE(12);
  let p = 16 + versionLength + 2;
  const streamCount = slice(md, p, 2, 'metadata streams').readUInt16LE(0);
  p += 2;
  const streams: Record<string, Buffer> = {};
  for (let i = 0; i < Math.min(streamCount, 16); i++) {
    const head = slice(md, p, 8, 'stream header');
    let name = '';
    let q = p + 8;
    while (q < md.length && md[q] !== 0 && name.length < 32) name += String.fromCharCode(md[q++]);
    streams[name] = slice(md, head.readUInt32LE(0), head.readUInt32LE(4), `stream ${name}`);
    p = (q + 4) & ~3;
  }
  const tables = streams['#~'] ?? streams['#-'];
  const strings = streams['#Strings'];
  if (!tables || !strings) return undefined;
  const heapSizes = slice(tables, 6, 1, 'tables header')[0];
  const valid = slice(tables, 8, 8, 'tables header').readBigUInt64LE(0);
  const rows = new Array<number>(64).fill(0);
  p = 24;
  for (let t = 0; t < 64; t++) {
    if ((valid >> BigInt(t)) & 1n) {
      rows[t] = slice(tables, p, 4, 'row counts').readUInt32LE(0);
      p += 4;
    }
  }
  if (heapSizes & 0x40) p += 4;
  if (!rows[0x20]) return undefined;
  const heap = (bit: number) => (heapSizes & bit ? 4 : 2);
  const columnSize = (c: string): number => {
    if (/^\d$/.test(c)) return Number(c);
    if (c === 's') return heap(1);
    if (c === 'g') return heap(2);
    if (c === 'b') return heap(4);
    if (c.startsWith('t:')) return rows[Number(c.slice(2))] < 0x10000 ? 2 : 4;
    const [bits, targets] = CODED[c];
    return Math.max(...targets.map(t => rows[t])) < 1 << (16 - bits) ? 2 : 4;
  };
  for (let t = 0; t < 0x20; t++) {
    if (rows[t]) p += rows[t] * SCHEMA[t].reduce((n, c) => n + columnSize(c), 0);
  }
  const row = slice(tables, p, 16 + 3 * 4, 'Assembly row');
  const version = [row.readUInt16LE(4), row.readUInt16LE(6), row.readUInt16LE(8), row.readUInt16LE(10)].join('.');
  const at = 16 + heap(4);
  const nameIndex = heap(1) === 4 ? row.readUInt32LE(at) : row.readUInt16LE(at);
  check(nameIndex < strings.length, 'assembly name outside the string heap');
  const end = strings.indexOf(0, nameIndex);
  return { name: strings.subarray(nameIndex, end < 0 ? Math.min(strings.length, nameIndex + 1024) : end).toString('utf8'), version };
}
