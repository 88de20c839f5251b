import { slice } from './errors';

/** The string table of a VS_VERSIONINFO resource (FileVersion, ProductName, ...), first language only. */
export function readVersionStrings(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let budget = 2000;
  const align = (n: number) => (n + 3) & ~3;
  const block = (start: number, end: number, depth: number) => {
    if (depth > 4 || --budget < 0) return;
    const head = slice(data, start, 6, 'version block');
    const length = head.readUInt16LE(0);
    const valueLength = head.readUInt16LE(2);
    const isText = head.readUInt16LE(4) === 1;
    const blockEnd = Math.min(start + length, end);
    if (length < 6) return;
    let p = start + 6;
    let key = '';
    while (p + 1 < blockEnd) {
      const c = data.readUInt16LE(p);
      p += 2;
      if (c === 0) break;
      key += String.fromCharCode(c);
    }
    p = align(p);
    const valueBytes = isText ? valueLength * 2 : valueLength;
    if (depth === 3 && isText) {
      const v = slice(data, p, Math.min(valueBytes, Math.max(0, blockEnd - p)), 'version string').toString('utf16le');
      if (!(key in out)) out[key] = v.replace(/\0+$/, '');
      return;
    }
    p = align(p + valueBytes);
    if (depth === 1 && key !== 'StringFileInfo') return;
    while (p + 6 <= blockEnd) {
      const childLength = data.readUInt16LE(p);
      if (childLength === 0) break;
      block(p, blockEnd, depth + 1);
      p = align(p + childLength);
    }
  };
  block(0, data.length, 0);
  return out;
}
