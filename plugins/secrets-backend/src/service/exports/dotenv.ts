import { headerComment, type ExportedSecret, type Exporter } from './types';

/** python-dotenv's `${NAME}` / `${NAME:-default}` (dotenv/variables.py), expanded even inside single quotes. */
const PYTHON_DOTENV_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;

/**
 * How one value is written so that both the `dotenv` npm package (lib/main.js `parse`) and
 * python-dotenv (dotenv/parser.py, main.py) read it back exactly, or why no way does:
 * - both turn CRLF and CR into LF before parsing (npm: `replace(/\r\n?/g)`; Python: text mode),
 *   so a raw CR never survives;
 * - single quotes: npm keeps everything literally; Python turns `\\` into `\` and `\'` into `'`,
 *   and a `\` just before the closing quote makes either reader run on. Multi-line is fine;
 * - double quotes: npm turns `\n` and `\r` into LF and CR and keeps every other backslash;
 *   Python decodes `\\ \' \" \a \b \f \n \r \t \v`. Both agree for values with neither `"` nor `\`;
 * - Python expands `${...}` in any quotes, with no escape for it.
 */
function quoted(value: string): { line: string } | { refused: string } {
  if (PYTHON_DOTENV_VARIABLE.test(value)) return { refused: 'python-dotenv would expand the ${...} in it, and it has no escape for that' };
  const singleQuoteProblems: Array<[boolean, string]> = [
    [value.includes("'"), 'a single quote'],
    [value.includes('\r'), 'a carriage return'],
    [value.includes('\\\\'), 'two backslashes in a row'],
    [value.endsWith('\\'), 'a backslash at the end'],
  ];
  const notSingle = singleQuoteProblems.find(([hit]) => hit)?.[1];
  if (!notSingle) return { line: `'${value}'` };
  const doubleQuoteProblems: Array<[boolean, string]> = [
    [value.includes('"'), 'a double quote'],
    [value.includes('\\'), 'a backslash'],
  ];
  const notDouble = doubleQuoteProblems.find(([hit]) => hit)?.[1];
  if (!notDouble) return { line: `"${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"` };
  return { refused: `it has ${notSingle} and ${notDouble}, which the dotenv npm package and python-dotenv read differently in any quotes` };
}

/** `.env` for the dotenv npm package and python-dotenv; values neither can carry identically are refused. */
export const dotenvExporter: Exporter = {
  refusals: (secrets: ExportedSecret[]) =>
    secrets.flatMap(s => {
      const q = quoted(s.value);
      return 'refused' in q ? [`${s.name}: ${q.refused}`] : [];
    }),
  write(target, secrets) {
    const lines = secrets.map(s => {
      const q = quoted(s.value);
      if ('refused' in q) throw new Error(`${s.name} cannot be written as dotenv; refusals() is asked first`);
      return `${s.name}=${q.line}`;
    });
    return {
      filename: `${target.entityName}.${target.environment.name}.env`,
      contentType: 'text/plain; charset=utf-8',
      body: `${headerComment(target, 'dotenv (npm) and python-dotenv')}\n${lines.join('\n')}\n`,
    };
  },
};
