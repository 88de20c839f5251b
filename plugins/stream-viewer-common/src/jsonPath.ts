/**
 * The small JSON path dialect of the annotations and filters: `$`, `.name`, `["name"]`, `[0]`.
 * Returns the compiled segments, or throws saying what is wrong.
 */
export function parseJsonPath(path: string): Array<string | number> {
  if (!path.startsWith('$'))
    throw new Error(`JSON path "${path}" must start with $`);
  const segments: Array<string | number> = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let i = 1;
  while (i < path.length) {
    re.lastIndex = i;
    const m = re.exec(path);
    if (!m)
      throw new Error(
        `JSON path "${path}" is not valid at "${path.slice(i, i + 12)}"`,
      );
    segments.push(
      m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)),
    );
    i = re.lastIndex;
  }
  return segments;
}

/** The value at `segments` in `value`, or undefined. */
export function getAtPath(
  value: unknown,
  segments: Array<string | number>,
): unknown {
  let current: any = value;
  for (const s of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[s as any];
  }
  return current;
}
