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
  /** When GitHub was last asked, and whether the answer is stale. */
  github?: { checkedAt: string; stale?: { since: string; reason: string } ; problem?: string };
  policy: Record<string, unknown>;
}
