import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPathsFromArgv, describeMissingEnvVars, findMissingEnvVars } from './requiredEnv';

function configFile(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'required-env-')), 'app-config.production.yaml');
  writeFileSync(file, text);
  return file;
}

describe('requiredEnv', () => {
  it('reads --config a and --config=b from argv', () => {
    expect(configPathsFromArgv(['node', 'x', '--config', 'a.yaml', '--config=b.yaml', '--other'])).toEqual(['a.yaml', 'b.yaml']);
  });

  it('names each unset variable with its file and line, ignoring comments and $${escapes}', () => {
    const file = configFile(
      [
        'backend:',
        '  # host: ${COMMENTED_OUT}',
        '  database:',
        '    host: ${POSTGRES_HOST} # ${ALSO_A_COMMENT}',
        '    user: ${POSTGRES_USER}',
        '    literal: $${NOT_A_REFERENCE}',
      ].join('\n'),
    );
    const missing = findMissingEnvVars([file], { POSTGRES_USER: 'postgres' });
    expect(missing).toEqual([{ name: 'POSTGRES_HOST', file: 'app-config.production.yaml', line: 4 }]);
    expect(describeMissingEnvVars(missing)).toContain('POSTGRES_HOST (app-config.production.yaml:4)');
  });

  it('treats an empty variable as missing', () => {
    const file = configFile('a: ${REDIS_URL}\n');
    expect(findMissingEnvVars([file], { REDIS_URL: '' }).map(m => m.name)).toEqual(['REDIS_URL']);
  });
});
