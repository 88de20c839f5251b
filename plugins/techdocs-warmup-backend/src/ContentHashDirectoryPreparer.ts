import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import type { PreparerBase, PreparerOptions, PreparerResponse } from '@backstage/plugin-techdocs-node';

const MKDOCS_FILES = ['mkdocs.yml', 'mkdocs.yaml'];

/** What goes into a site besides its files: the site name comes from the entity's title. */
function entityPart(entity: Entity): string {
  return JSON.stringify([
    'content-hash-v1',
    entity.metadata.title ?? entity.metadata.name,
    entity.metadata.annotations?.['backstage.io/techdocs-ref'] ?? '',
  ]);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(e => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return listFiles(path);
      return Promise.resolve(e.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

/**
 * A fingerprint of everything mkdocs reads for a `dir:` site: its mkdocs.yml and every file under
 * its `docs_dir` (default `docs`), by path and content, plus the entity's title. Undefined when
 * `docs_dir` points outside the site's folder: such a site is built every time, as stock TechDocs
 * does, rather than reading files elsewhere on the machine.
 */
export async function docsSourceEtag(siteDir: string, entity: Entity): Promise<string | undefined> {
  const hash = createHash('sha256').update(entityPart(entity));
  let docsDir = 'docs';
  for (const name of MKDOCS_FILES) {
    const yml = await fs.readFile(join(siteDir, name), 'utf8').catch(() => undefined);
    if (yml === undefined) continue;
    hash.update(`\0${name}\0${yml}`);
    docsDir = /^docs_dir:\s*['"]?([^'"#\n]+?)['"]?\s*(#.*)?$/m.exec(yml)?.[1] ?? docsDir;
  }
  let root: string;
  try {
    root = resolveSafeChildPath(siteDir, docsDir);
  } catch {
    return undefined;
  }
  const files = (await listFiles(root)).sort();
  for (const file of files) {
    hash.update(`\0${relative(root, file).split(sep).join('/')}\0`);
    hash.update(await fs.readFile(file));
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The stock `dir:` preparer always answers etag "" for a site next to a `file:` catalog location,
 * so the TechDocs backend rebuilds it on every sync and tells every open reader "A newer version
 * of this documentation is now available". This one wraps it and answers an etag computed from
 * the site's sources; an unchanged site then throws NotModifiedError and is not rebuilt.
 * Sites the stock preparer reads from a URL keep the etag of their URL reader.
 */
export class ContentHashDirectoryPreparer implements PreparerBase {
  constructor(private readonly inner: PreparerBase) {}

  shouldCleanPreparedDirectory(): boolean {
    return this.inner.shouldCleanPreparedDirectory();
  }

  async prepare(entity: Entity, options?: PreparerOptions): Promise<PreparerResponse> {
    const prepared = await this.inner.prepare(entity, options);
    if (prepared.etag) return prepared;
    const etag = await docsSourceEtag(prepared.preparedDir, entity);
    if (!etag) return prepared;
    if (options?.etag === etag) {
      throw new NotModifiedError(`The sources of ${entity.metadata.name}'s docs are unchanged`);
    }
    return { preparedDir: prepared.preparedDir, etag };
  }
}
