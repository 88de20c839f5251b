import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The docs' plugin tables (docs/plugins.md, plugins/README.md, the README's layout) against the
// folders of plugins/: a folder nobody documents, or a documented plugin that does not exist,
// fails here.
const ROOT = resolve(__dirname, '../../../..');

function pluginFolders(): string[] {
  return readdirSync(join(ROOT, 'plugins'), { withFileTypes: true })
    .filter(e => e.isDirectory() && existsSync(join(ROOT, 'plugins', e.name, 'package.json')))
    .map(e => e.name)
    .sort();
}

/** The rows of the first Markdown table after `heading` (or in the file), as arrays of cells. */
function tableRows(markdown: string, headerStart: string): string[][] {
  const lines = markdown.split('\n');
  const header = lines.findIndex(l => l.startsWith(headerStart));
  if (header < 0) throw new Error(`no table starting with ${headerStart}`);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map(c => c.trim()));
  }
  return rows;
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1]);
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('plugin tables in the docs', () => {
  const folders = pluginFolders();

  it('every plugins/ folder is the package @stacktalk/plugin-<folder>', () => {
    for (const folder of folders) {
      expect(JSON.parse(read(`plugins/${folder}/package.json`)).name).toBe(`@stacktalk/plugin-${folder}`);
    }
  });

  it('docs/plugins.md lists exactly the folders of plugins/', () => {
    const rows = tableRows(read('docs/plugins.md'), '| Plugin | Folders in `plugins/`');
    expect(rows.flatMap(r => backticked(r[1])).sort()).toEqual(folders);
  });

  it('plugins/README.md lists exactly the folders of plugins/', () => {
    const rows = tableRows(read('plugins/README.md'), '| Package | What |');
    expect(rows.flatMap(r => backticked(r[0])).sort()).toEqual(folders);
  });

  it("the README's layout table covers every plugins/ folder, and each of its plugin rows matches one", () => {
    const rows = tableRows(read('README.md'), '| Path | What |');
    const patterns = rows.flatMap(r => backticked(r[0])).filter(p => p.startsWith('plugins/'));
    const matches = (pattern: string, folder: string) =>
      pattern.endsWith('*') ? `plugins/${folder}`.startsWith(pattern.slice(0, -1)) : pattern === `plugins/${folder}`;
    for (const folder of folders) {
      expect({ folder, covered: patterns.some(p => matches(p, folder)) }).toEqual({ folder, covered: true });
    }
    for (const pattern of patterns) {
      expect({ pattern, matchesAFolder: folders.some(f => matches(pattern, f)) }).toEqual({ pattern, matchesAFolder: true });
    }
  });
});
