import { getAtPath, parseJsonPath } from './jsonPath';

export type FilterOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | '~';

export interface FilterClause {
  path: Array<string | number>;
  source: string;
  op: FilterOp;
  value: string | number | boolean | null;
}

/** A parsed server-side filter: clauses joined by `&&`. */
export interface StreamFilter {
  clauses: FilterClause[];
  test(message: unknown): boolean;
}

export class FilterSyntaxError extends Error {
  name = 'FilterSyntaxError';
}

const CLAUSE = /^\s*(\$[^\s=!<>~]*)\s*(==|!=|>=|<=|>|<|~)\s*(.+?)\s*$/;

function literal(text: string, clause: string): FilterClause['value'] {
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return JSON.parse(text);
  throw new FilterSyntaxError(
    `In "${clause}": ${text} is not a number, true/false/null or a "quoted string"`,
  );
}

function compare(
  actual: unknown,
  op: FilterOp,
  expected: FilterClause['value'],
): boolean {
  if (op === '~')
    return (
      typeof actual === 'string' &&
      typeof expected === 'string' &&
      actual.includes(expected)
    );
  if (op === '==') return actual === expected;
  if (op === '!=') return actual !== expected;
  if (typeof actual !== 'number' || typeof expected !== 'number') return false;
  switch (op) {
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    default:
      return actual <= expected;
  }
}

/**
 * Parses `$.status >= 500 && $.route ~ "/api"`. Operators: == != > >= < <= and ~ (contains).
 * Throws {@link FilterSyntaxError} saying which clause is wrong and why.
 */
export function parseFilter(text: string): StreamFilter {
  if (text.length > 2000)
    throw new FilterSyntaxError('Filter is longer than 2000 characters');
  const parts = text.split('&&');
  const clauses = parts.map(part => {
    const m = CLAUSE.exec(part);
    if (!m)
      throw new FilterSyntaxError(
        `"${part.trim()}" is not a clause like $.field >= 10 or $.name == "x"`,
      );
    let path: Array<string | number>;
    try {
      path = parseJsonPath(m[1]);
    } catch (e) {
      throw new FilterSyntaxError((e as Error).message);
    }
    return {
      path,
      source: m[1],
      op: m[2] as FilterOp,
      value: literal(m[3], part.trim()),
    };
  });
  return {
    clauses,
    test: message =>
      clauses.every(c => compare(getAtPath(message, c.path), c.op, c.value)),
  };
}
