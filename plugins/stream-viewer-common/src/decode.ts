/** C0 control characters other than tab, newline, vertical tab, form feed and carriage return. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x08 || (c >= 0x0e && c <= 0x1f)) return true;
  }
  return false;
}

export type DecodedKind = 'json' | 'number' | 'text' | 'binary';

export interface Decoded {
  kind: DecodedKind;
  /** Parsed JSON, the number, the text, or the hex dump (for binary). */
  value: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const hex = (bytes: Uint8Array) =>
  Array.from(bytes.subarray(0, 4096), b =>
    b.toString(16).padStart(2, '0'),
  ).join(' ');
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * JSON, a plain number, UTF-8 text, anything else hex. Never throws: a message that is not
 * valid UTF-8 is `binary` and is shown as hex. A value in Confluent's wire format (magic byte 0,
 * then the schema's id in 4 bytes, then the Avro, Protobuf or JSON Schema body) is `binary` too
 * — its body needs the schema — shown as "schema-registry encoded, schema id N: " and the hex
 * of its body.
 */
export function decodePayload(bytes: Uint8Array): Decoded {
  if (bytes.length >= 5 && bytes[0] === 0) {
    const id =
      ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0;
    return {
      kind: 'binary',
      value: `schema-registry encoded, schema id ${id}: ${hex(
        bytes.subarray(5),
      )}`,
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'binary', value: hex(bytes) };
  }
  const trimmed = text.trim();
  if (trimmed !== '' && NUMBER.test(trimmed))
    return { kind: 'number', value: Number(trimmed) };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', value: JSON.parse(trimmed) };
    } catch {
      // falls through to text
    }
  }
  // Control characters other than whitespace mean it is not really text.
  if (hasControlCharacters(text)) return { kind: 'binary', value: hex(bytes) };
  return { kind: 'text', value: text };
}
