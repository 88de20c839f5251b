import { check, slice } from './errors';
import { DIR_RESOURCE, PeImage, rvaToOffset } from './pe';

/** One leaf of the resource tree: a type, a name and a language. */
export interface PeResource {
  /** A string name (upper case as stored) or `#<id>` for numeric ids; standard types keep their number. */
  type: string | number;
  name: string | number;
  language: number;
  /** File offset and size of the resource data. */
  offset: number;
  size: number;
}

const MAX_ENTRIES = 20000;

/**
 * Walks the three-level resource directory (type / name / language). Refuses loops, entries past the end,
 * and more than 20,000 entries in all, so a hostile tree costs little.
 */
export function readResources(pe: PeImage): PeResource[] {
  const dir = pe.directories[DIR_RESOURCE];
  if (!dir || dir.rva === 0 || dir.size === 0) return [];
  const base = rvaToOffset(pe, dir.rva, 16);
  const buf = pe.buf;
  const visited = new Set<number>();
  const out: PeResource[] = [];
  let entries = 0;

  const readName = (field: number): string | number => {
    if ((field & 0x80000000) === 0) return field & 0xffff;
    const at = base + (field & 0x7fffffff);
    const len = slice(buf, at, 2, 'resource name').readUInt16LE(0);
    return slice(buf, at + 2, len * 2, 'resource name').toString('utf16le');
  };

  const walk = (tableOffset: number, level: number, path: Array<string | number>) => {
    check(!visited.has(tableOffset), 'loop in the resource tree');
    visited.add(tableOffset);
    const header = slice(buf, tableOffset, 16, 'resource directory');
    const n = header.readUInt16LE(12) + header.readUInt16LE(14);
    entries += n;
    check(entries <= MAX_ENTRIES, `more than ${MAX_ENTRIES} resource entries`);
    const table = slice(buf, tableOffset + 16, n * 8, 'resource directory entries');
    for (let i = 0; i < n; i++) {
      const nameField = table.readUInt32LE(i * 8);
      const target = table.readUInt32LE(i * 8 + 4);
      const key = readName(nameField);
      const isDir = (target & 0x80000000) !== 0;
      if (level < 2) {
        check(isDir, 'resource tree leaf too early');
        walk(base + (target & 0x7fffffff), level + 1, [...path, key]);
      } else {
        check(!isDir, 'resource tree deeper than three levels');
        const entry = slice(buf, base + target, 16, 'resource data entry');
        const size = entry.readUInt32LE(4);
        const offset = rvaToOffset(pe, entry.readUInt32LE(0), size);
        out.push({ type: path[0], name: path[1], language: typeof key === 'number' ? key : 0, offset, size });
      }
    }
  };
  walk(base, 0, []);
  return out;
}
