/**
 * Readers for the formats whose real program cannot run here (no docker, no systemd as PID 1),
 * ported line by line from their sources. Each cites what it follows; keep them literal.
 */

/**
 * docker/cli opts/file.go `parseKeyValueFile` over Go's bufio.Scanner with ScanLines: lines end
 * at LF, one CR before it is dropped, a line that does not fit the 64 KiB buffer
 * (bufio.MaxScanTokenSize) is an error; a BOM is trimmed on line 1; the line is left-trimmed
 * (unicode.IsSpace); lines starting with `#` are skipped; the value is everything after the
 * first `=`, untouched.
 */
export function readDockerEnvFile(text: string): Record<string, string> {
  const bytes = Buffer.from(text, 'utf8');
  const out: Record<string, string> = {};
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const atEof = end === -1;
    if (atEof) end = bytes.length;
    if (end - start + (atEof ? 0 : 1) > 64 * 1024) throw new Error('bufio.Scanner: token too long');
    let lineBytes = bytes.subarray(start, end);
    if (lineBytes[lineBytes.length - 1] === 0x0d) lineBytes = lineBytes.subarray(0, lineBytes.length - 1);
    start = end + 1;
    let scanned = lineBytes.toString('utf8');
    if (lineNo === 0 && scanned.startsWith('\ufeff')) scanned = scanned.slice(1);
    lineNo++;
    const line = scanned.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, '');
    if (line.length === 0 || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const variable = (eq === -1 ? line : line.slice(0, eq)).replace(/^[ \t]+/, '');
    if (/[ \t]/.test(variable)) throw new Error(`variable '${variable}' contains whitespaces`);
    if (variable.length === 0) throw new Error(`no variable name on line '${line}'`);
    if (eq !== -1) out[variable] = line.slice(eq + 1);
  }
  return out;
}

const WHITESPACE = ' \t\n\r';
const NEWLINE = '\n\r';
const COMMENTS = '#;';
const SHELL_NEED_ESCAPE = '"\\`$';

/**
 * systemd src/basic/env-file.c `parse_env_file_internal`, the parser behind `load_env_file`
 * (EnvironmentFile=): the same states, in the same order, with the same transitions.
 */
export function readSystemdEnvironmentFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  type State = 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SINGLE_QUOTE_VALUE' | 'DOUBLE_QUOTE_VALUE' | 'DOUBLE_QUOTE_VALUE_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';
  let state: State = 'PRE_KEY';
  let key = '';
  let value = '';
  let lastKeyWs = -1;
  let lastValueWs = -1;
  const push = () => {
    const k = lastKeyWs >= 0 ? key.slice(0, lastKeyWs) : key;
    out[k] = value;
    key = '';
    value = '';
  };
  for (const c of text) {
    switch (state) {
      case 'PRE_KEY':
        if (COMMENTS.includes(c)) state = 'COMMENT';
        else if (!WHITESPACE.includes(c)) {
          state = 'KEY';
          lastKeyWs = -1;
          key += c;
        }
        break;
      case 'KEY':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          key = '';
        } else if (c === '=') {
          state = 'PRE_VALUE';
          lastValueWs = -1;
        } else {
          if (!WHITESPACE.includes(c)) lastKeyWs = -1;
          else if (lastKeyWs === -1) lastKeyWs = key.length;
          key += c;
        }
        break;
      case 'PRE_VALUE':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          push();
        } else if (c === "'") state = 'SINGLE_QUOTE_VALUE';
        else if (c === '"') state = 'DOUBLE_QUOTE_VALUE';
        else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WHITESPACE.includes(c)) {
          state = 'VALUE';
          value += c;
        }
        break;
      case 'VALUE':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          if (lastValueWs >= 0) value = value.slice(0, lastValueWs);
          push();
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          lastValueWs = -1;
        } else {
          if (!WHITESPACE.includes(c)) lastValueWs = -1;
          else if (lastValueWs === -1) lastValueWs = value.length;
          value += c;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!NEWLINE.includes(c)) value += c;
        break;
      case 'SINGLE_QUOTE_VALUE':
        if (c === "'") state = 'PRE_VALUE';
        else value += c;
        break;
      case 'DOUBLE_QUOTE_VALUE':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DOUBLE_QUOTE_VALUE_ESCAPE';
        else value += c;
        break;
      case 'DOUBLE_QUOTE_VALUE_ESCAPE':
        state = 'DOUBLE_QUOTE_VALUE';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NEWLINE.includes(c)) state = 'PRE_KEY';
        break;
      case 'COMMENT_ESCAPE':
        state = NEWLINE.includes(c) ? 'PRE_KEY' : 'COMMENT';
        break;
      default:
        throw new Error(`unknown state ${state}`);
    }
  }
  if (['PRE_VALUE', 'VALUE', 'VALUE_ESCAPE', 'SINGLE_QUOTE_VALUE', 'DOUBLE_QUOTE_VALUE', 'DOUBLE_QUOTE_VALUE_ESCAPE'].includes(state)) {
    if (state === 'VALUE' && lastValueWs >= 0) value = value.slice(0, lastValueWs);
    push();
  }
  return out;
}
