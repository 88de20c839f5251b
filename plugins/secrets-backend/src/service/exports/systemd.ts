import { eachValue, headerComment, type Exporter } from './types';

/**
 * systemd `EnvironmentFile=`. systemd reads it with `parse_env_file_internal`
 * (src/basic/env-file.c, through `load_env_file`): inside double quotes a backslash escapes only
 * `"`, `\`, `` ` `` and `$` (SHELL_NEED_ESCAPE) and keeps itself before anything else; newlines,
 * carriage returns and tabs inside the quotes are kept as they are; nothing is expanded.
 * So every value goes in double quotes with those four escaped, and arrives whole.
 */
export const systemdExporter: Exporter = {
  // Values are valid UTF-8 without NUL (validateSecretValue): nothing left to refuse.
  refusals: eachValue(() => undefined),
  write(target, secrets) {
    const lines = secrets.map(s => `${s.name}="${s.value.replace(/["\\`$]/g, c => `\\${c}`)}"`);
    return {
      filename: `${target.entityName}.${target.environment.name}.systemd.env`,
      contentType: 'text/plain; charset=utf-8',
      body: `${headerComment(target, 'systemd EnvironmentFile=')}\n${lines.join('\n')}\n`,
    };
  },
};
