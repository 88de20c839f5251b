/** One ExternalLibrary or Reference entry of a .dna file. */
export interface DnaEntry {
  kind: 'ExternalLibrary' | 'Reference';
  path?: string;
  name?: string;
  /** The packed resource name when the path is `packed:NAME`. */
  packed?: string;
  pack?: boolean;
  explicitExports?: boolean;
  loadFromBytes?: boolean;
}

/** The parts of a .dna configuration (DnaLibrary) the portal shows. */
export interface DnaLibrary {
  name?: string;
  runtimeVersion?: string;
  language?: string;
  entries: DnaEntry[];
}

const MAX_TAGS = 5000;

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w.-]{0,63})\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3]);
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]);
}

const bool = (v: string | undefined) => (v === undefined ? undefined : /^true$/i.test(v.trim()));

/** Parses the DnaLibrary element and its ExternalLibrary / Reference children; undefined when there is no DnaLibrary. */
export function parseDna(text: string): DnaLibrary | undefined {
  const body = text.replace(/^\uFEFF/, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const root = /<DnaLibrary\b([^>]*)>/i.exec(body);
  if (!root) return undefined;
  const a = attributes(root[1]);
  const entries: DnaEntry[] = [];
  let count = 0;
  for (const m of body.matchAll(/<(ExternalLibrary|Reference)\b([^>]*)>/gi)) {
    if (++count > MAX_TAGS) break;
    const e = attributes(m[2]);
    const path = e.path;
    entries.push({
      kind: m[1].toLowerCase() === 'reference' ? 'Reference' : 'ExternalLibrary',
      path,
      name: e.name,
      packed: path && /^packed:/i.test(path) ? path.slice(7) : undefined,
      pack: bool(e.pack),
      explicitExports: bool(e.explicitexports),
      loadFromBytes: bool(e.loadfrombytes),
    });
  }
  return { name: a.name, runtimeVersion: a.runtimeversion, language: a.language, entries };
}
