import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A `${VAR}` used by a config file that the environment does not set. */
export interface MissingEnvVar {
  name: string;
  file: string;
  line: number;
}

const ENV_REFERENCE = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The config files named on the command line (`--config a.yaml --config=b.yaml`). */
export function configPathsFromArgv(argv: string[]): string[] {
  const paths: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--config' && argv[i + 1]) paths.push(argv[i + 1]);
    else if (arg.startsWith('--config=')) paths.push(arg.slice('--config='.length));
  });
  return paths;
}

/**
 * Backstage substitutes an unset `${VAR}` with nothing, so a production deployment that forgot
 * POSTGRES_HOST would start against the wrong database or fail later with an unrelated error.
 * Every `${VAR}` in a config file we are started with is required; comments are ignored.
 */
export function findMissingEnvVars(
  configPaths: string[],
  env: NodeJS.ProcessEnv,
): MissingEnvVar[] {
  const missing: MissingEnvVar[] = [];
  for (const file of configPaths) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const code = text.replace(/(^|\s)#.*$/, '');
        for (const match of code.matchAll(ENV_REFERENCE)) {
          if (!env[match[1]]) {
            missing.push({ name: match[1], file: basename(file), line: index + 1 });
          }
        }
      });
  }
  return missing;
}

export function describeMissingEnvVars(missing: MissingEnvVar[]): string {
  const lines = missing.map(m => `  ${m.name} (${m.file}:${m.line})`);
  return `Missing required environment variable${missing.length > 1 ? 's' : ''}:\n${lines.join('\n')}\nSet ${missing.map(m => m.name).join(', ')} and start again.`;
}
