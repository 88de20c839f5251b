import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** An optional capability of this installation and what enables it. */
export interface FeatureStatus {
  id: 'techdocs' | 'chromium';
  title: string;
  available: boolean;
  /** What the feature needs, e.g. "mkdocs on PATH". */
  requires: string;
  /** The command that installs what is missing (Debian). */
  install: string;
  /** Which parts of the portal depend on it. */
  usedBy: string[];
}

export interface FeatureProbeOptions {
  mkdocs?: string;
  chromium?: string;
  env?: NodeJS.ProcessEnv;
}

function isExecutable(file: string) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves a command the way a shell would: an absolute path, or the first match on PATH. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isAbsolute(command)) return isExecutable(command) ? command : undefined;
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map(dir => join(dir, command))
    .find(isExecutable);
}

/** Looks on this machine for the programs the optional features run. */
export class FeatureProbe {
  constructor(private readonly options: FeatureProbeOptions = {}) {}

  check(): FeatureStatus[] {
    const env = this.options.env ?? process.env;
    const mkdocs = this.options.mkdocs ?? 'mkdocs';
    const chromium = this.options.chromium;
    const chromiumFound = chromium
      ? findExecutable(chromium, env)
      : findExecutable('/usr/bin/chromium', env) ?? findExecutable('chromium', env);
    return [
      {
        id: 'techdocs',
        title: 'TechDocs builds',
        available: findExecutable(mkdocs, env) !== undefined,
        requires: `${mkdocs} with the material theme`,
        install: 'sudo apt-get install -y mkdocs mkdocs-material',
        usedBy: ['Docs tab', 'documentation search'],
      },
      {
        id: 'chromium',
        title: 'Headless Chromium',
        available: chromiumFound !== undefined,
        requires: chromium ?? '/usr/bin/chromium',
        install: 'sudo apt-get install -y chromium',
        usedBy: ['PDF reports', 'end-to-end tests'],
      },
    ];
  }
}
