/**
 * A YAML double-quoted scalar that YAML 1.1 and 1.2 parsers (Go's yaml for kubectl and App
 * Platform, the `yaml` npm package) read back as exactly `value`: `\` and `"` escaped, and
 * everything that is not printable in YAML or is a line break in YAML 1.1 (C0 and C1 controls,
 * DEL, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF) written as an escape (YAML 1.2 §5.7).
 */
export function yamlDoubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029 || code === 0xfeff || code === 0xfffe || code === 0xffff) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}
