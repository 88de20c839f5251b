/** One .xll of a build, with its stored inspection (the exceldna-node Inspection, as JSON). */
export interface AddInFile {
  fileName: string;
  sha256: string;
  size: number;
  architecture: string;
  /** Inspection as the inspector returns it; typed loosely here so the browser needs no Node code. */
  inspection: Record<string, any>;
  /** Problems under the configured policy for this file alone. */
  problems: string[];
}

export interface AddInBuild {
  id: string;
  source: 'github' | 'upload';
  version: string | null;
  branch: string | null;
  commit: string | null;
  createdAt: string;
  url: string | null;
  files: AddInFile[];
  readiness: { ready: boolean; problems: string[] };
}

export interface AddInBuildsResponse {
  builds: AddInBuild[];
  /**
   * The GitHub sync (a scheduled task; the request only reads its state): `syncing` until the
   * entity's first sync has finished or while one runs, when it last finished (`lastSyncedAt`,
   * also as `checkedAt`), whether GitHub's answer was stale, and the last sync's problem.
   */
  github?: { syncing: boolean; lastSyncedAt?: string; checkedAt?: string; stale?: { since: string; reason: string }; problem?: string };
  policy: Record<string, unknown>;
}
