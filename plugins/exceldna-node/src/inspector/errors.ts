/** Raised for any file that is not a readable PE, or whose structures point outside the file. */
export class MalformedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFileError';
  }
}

/** Throws MalformedFileError unless `cond` holds. */
export function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new MalformedFileError(message);
}

/** Reads `length` bytes at `offset`, refusing anything past the end of `buf`. */
export function slice(buf: Buffer, offset: number, length: number, what: string): Buffer {
  check(
    Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= buf.length,
    `${what} lies outside the file (offset ${offset}, ${length} bytes, file ${buf.length} bytes)`,
  );
  return buf.subarray(offset, offset + length);
}
