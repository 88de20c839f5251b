import { eachValue, headerComment, type Exporter } from './types';

/** bufio.MaxScanTokenSize: the longest line (with its newline) bufio.Scanner reads. */
const DOCKER_MAX_LINE_BYTES = 64 * 1024;

/**
 * `docker run --env-file` (docker/cli opts/file.go, `parseKeyValueFile`): one `NAME=value` per
 * line, read with bufio.Scanner; everything after the first `=` is the value, quotes and
 * backslashes included ("pass the value through, no trimming"). A line ends at LF, and a CR just
 * before the LF is dropped (bufio.ScanLines); a line longer than 64 KiB stops the read. So values
 * are written raw, and one with a line feed, a trailing CR or too long a line is refused.
 * Compose reads the same file only with `format: raw` on `env_file` (its default format parses
 * quotes and `$`).
 */
export const dockerEnvFileExporter: Exporter = {
  refusals: eachValue((value, name) => {
    if (value.includes('\n')) return 'it has a line feed; docker reads one line per variable';
    if (value.endsWith('\r')) return 'it ends with a carriage return, which docker drops as part of the line end';
    if (Buffer.byteLength(`${name}=${value}\n`) > DOCKER_MAX_LINE_BYTES) return 'its line is longer than the 64 KiB docker reads';
    return undefined;
  }),
  write(target, secrets) {
    return {
      filename: `${target.entityName}.${target.environment.name}.docker.env`,
      contentType: 'text/plain; charset=utf-8',
      body: `${headerComment(target, 'docker run --env-file')}\n${secrets.map(s => `${s.name}=${s.value}\n`).join('')}`,
    };
  },
};
