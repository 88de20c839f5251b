import type { Knex } from 'knex';
import { inspectPe, MalformedFileError, type Inspection } from '@stacktalk/plugin-exceldna-node';
import { createHash } from 'crypto';

export interface StoredBuild {
  id: number;
  source: 'github' | 'upload';
  buildKey: string;
  version: string | null;
  branch: string | null;
  commit: string | null;
  url: string | null;
  createdAt: string;
  /** `inspection` is `{ malformed: reason }` for a file that is not a readable PE. */
  files: Array<{ fileName: string; sha256: string; size: number; inspection: Inspection | { malformed: string } }>;
}

export interface NewBuild {
  entityRef: string;
  source: 'github' | 'upload';
  buildKey: string;
  version?: string | null;
  branch?: string | null;
  commit?: string | null;
  url?: string | null;
  createdAt?: string;
  files: Array<{ fileName: string; content: Buffer }>;
}

/** Timestamps come back as Date (PostgreSQL), epoch milliseconds or text (SQLite). */
function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || /^\d+$/.test(String(v))) return new Date(Number(v)).toISOString();
  return new Date(String(v)).toISOString();
}

/** Builds and their files in the plugin's database; a file is inspected once, by sha256. */
export class BuildStore {
  /** Files inspected by this instance (tests check the sha256 cache with it). */
  inspections = 0;

  constructor(private readonly db: Knex, private readonly trustedRoots: string[]) {}

  /** Inspects a file unless a file with the same sha256 is stored (then it is not inspected again); returns its hash. */
  async storeFile(content: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const known = await this.db('exceldna_files').where({ sha256 }).first('sha256');
    if (known) return sha256;
    let inspection: Inspection | { malformed: string };
    try {
      inspection = inspectPe(content, { trustedRoots: this.trustedRoots, sha256 });
      this.inspections++;
    } catch (e) {
      if (!(e instanceof MalformedFileError)) throw e;
      inspection = { malformed: e.message };
    }
    await this.db('exceldna_files')
      .insert({ sha256, size: content.length, content, inspection: JSON.stringify(inspection) })
      .onConflict('sha256')
      .ignore();
    return sha256;
  }

  async hasBuild(entityRef: string, source: string, buildKey: string): Promise<boolean> {
    return !!(await this.db('exceldna_builds').where({ entity_ref: entityRef, source, build_key: buildKey }).first('id'));
  }

  /** Stores a build (its files inspected first); a build key already stored is replaced. */
  async addBuild(b: NewBuild): Promise<void> {
    const hashes: Array<{ fileName: string; sha256: string }> = [];
    for (const f of b.files) hashes.push({ fileName: f.fileName, sha256: await this.storeFile(f.content) });
    await this.db.transaction(async tx => {
      await tx('exceldna_builds').where({ entity_ref: b.entityRef, source: b.source, build_key: b.buildKey }).delete();
      const [row] = await tx('exceldna_builds')
        .insert({
          entity_ref: b.entityRef,
          source: b.source,
          build_key: b.buildKey,
          version: b.version ?? null,
          branch: b.branch ?? null,
          commit_sha: b.commit ?? null,
          url: b.url ?? null,
          created_at: b.createdAt ? new Date(b.createdAt) : new Date(),
        })
        .returning('id');
      const id = typeof row === 'object' ? row.id : row;
      if (hashes.length) await tx('exceldna_build_files').insert(hashes.map(h => ({ build_id: id, file_name: h.fileName, sha256: h.sha256 })));
    });
  }

  async listBuilds(entityRef: string, limit = 20): Promise<StoredBuild[]> {
    const builds = await this.db('exceldna_builds').where({ entity_ref: entityRef }).orderBy('created_at', 'desc').limit(limit);
    if (!builds.length) return [];
    const files = await this.db('exceldna_build_files as bf')
      .join('exceldna_files as f', 'f.sha256', 'bf.sha256')
      .whereIn('bf.build_id', builds.map(b => b.id))
      .select('bf.build_id', 'bf.file_name', 'f.sha256', 'f.size', 'f.inspection')
      .orderBy('bf.file_name');
    return builds.map(b => ({
      id: b.id,
      source: b.source,
      buildKey: b.build_key,
      version: b.version,
      branch: b.branch,
      commit: b.commit_sha,
      url: b.url,
      createdAt: iso(b.created_at),
      files: files
        .filter(f => f.build_id === b.id)
        .map(f => ({ fileName: f.file_name, sha256: f.sha256, size: Number(f.size), inspection: JSON.parse(f.inspection) })),
    }));
  }

  /** A file's content, only when one of the entity's builds holds it. */
  async fileOfEntity(entityRef: string, sha256: string): Promise<{ fileName: string; content: Buffer } | undefined> {
    const row = await this.db('exceldna_build_files as bf')
      .join('exceldna_builds as b', 'b.id', 'bf.build_id')
      .join('exceldna_files as f', 'f.sha256', 'bf.sha256')
      .where({ 'b.entity_ref': entityRef, 'bf.sha256': sha256 })
      .first('bf.file_name', 'f.content');
    return row ? { fileName: row.file_name, content: Buffer.from(row.content) } : undefined;
  }
}
