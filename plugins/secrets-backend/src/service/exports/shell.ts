import { eachValue, headerComment, type Exporter } from './types';

/**
 * Variables a POSIX shell (or bash, read as sh) uses itself: assigning them while the file is
 * read changes how the rest is read or the script that reads it, or fails (bash read-only ones).
 */
const SHELL_OWN = new Set([
  'IFS', 'PATH', 'ENV', 'CDPATH', 'HOME', 'PS1', 'PS2', 'PS4', 'OPTIND', 'OPTARG', 'PPID', 'LINENO', 'PWD', 'OLDPWD',
  'BASH_ENV', 'SHELLOPTS', 'BASHOPTS', 'BASHPID', 'EUID', 'UID', 'GROUPS', 'POSIXLY_CORRECT', 'MAIL', 'MAILPATH',
]);

/**
 * A file for `set -a; . ./file` in sh, dash or bash. Single quotes are the shell's only quoting
 * with no exceptions (POSIX Shell Command Language 2.2.2: "preserve the literal value of each
 * character within the single-quotes"); a `'` inside a value is written `'\''` (close, escaped
 * quote, reopen). So `$`, backticks, backslashes and newlines are never expanded or run.
 */
export const shellExporter: Exporter = {
  refusals: eachValue((_value, name) =>
    SHELL_OWN.has(name) || name.startsWith('BASH_') ? `the shell itself uses ${name}; reading it would change the shell that reads the file` : undefined,
  ),
  write(target, secrets) {
    const lines = secrets.map(s => `${s.name}='${s.value.replace(/'/g, `'\\''`)}'`);
    return {
      filename: `${target.entityName}.${target.environment.name}.sh`,
      contentType: 'text/plain; charset=utf-8',
      body: `${headerComment(target, 'a POSIX shell: set -a; . ./this-file; set +a')}\n${lines.join('\n')}\n`,
    };
  },
};
