// No SQL outside src/store/ (issue 10: store modules per aggregate). dependency-cruiser sees
// imports, not SQL, so this test reads every source file's string literals (with the
// TypeScript parser: comments and prose in identifiers are not strings) and flags those
// that are SQL statements. The database drivers (src/adapters/pg.ts, pglite.ts) are the one
// exception: they speak SQL for transactions (BEGIN, SAVEPOINT) and their health check.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const ALLOWED = [/^src\/store\//, /^src\/adapters\/(pg|pglite)\.ts$/];

// Upper-case keywords in the shape of a statement: prose ("select the vendor from the list",
// "update the case") is lower case or lacks the statement's second keyword.
const SQL = [
  /\bSELECT\b[\s\S]*?\bFROM\s+[a-z_]/,
  /\bSELECT\s+(1|count\(|\$\d|now\(\))/,
  /\bINSERT\s+INTO\s+[a-z_]/,
  /\bUPDATE\s+[a-z_]+\s+SET\b/,
  /\bDELETE\s+FROM\s+[a-z_]/,
  /\b(CREATE|ALTER|DROP)\s+(TABLE|INDEX|TYPE)\b/,
  /\bON\s+CONFLICT\b/,
  /\bRETURNING\s+[a-z_*]/,
];

/** The SQL-looking string literals of one source text, with their line numbers. */
function sqlLiterals(fileName: string, text: string): { line: number; text: string }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { line: number; text: string }[] = [];
  const check = (node: ts.Node, literal: string): void => {
    if (SQL.some((re) => re.test(literal))) found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: literal.slice(0, 80) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) check(node, node.text);
    else if (ts.isTemplateExpression(node)) check(node, [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' $x '));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('SQL lives in src/store/ only', () => {
  it('finds SQL statements in literals and leaves prose and comments alone', () => {
    const sample = [
      "const a = await db.query('SELECT id FROM cases WHERE x = $1', [x]);",
      'const b = `UPDATE messages SET state = ${s} WHERE id = $1`;',
      "const c = 'INSERT INTO answer_log (address, at) VALUES ($1, $2)';",
      "const d = 'DELETE FROM command_replays WHERE at < $1';",
      "const e = `WITH done AS (UPDATE notices SET x = 1 RETURNING id) SELECT 1`;",
      '// DELETE FROM command_replays WHERE at < $1 (a comment, not SQL)',
      "const f = 'Please select the vendor from the list and update the case set.';",
      "const g = 'Selected products from vendors';",
      "const h = 'X-STOP: update the state';",
    ].join('\n');
    expect(sqlLiterals('sample.ts', sample).map((f) => f.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('no file outside src/store/ (and the database drivers) holds SQL', () => {
    const offenders: string[] = [];
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (ALLOWED.some((re) => re.test(rel))) continue;
      for (const f of sqlLiterals(file, readFileSync(file, 'utf8'))) offenders.push(`${rel}:${f.line}: ${f.text}`);
    }
    expect(offenders).toEqual([]);
  });

  it('still sees the SQL of the store (the scan reads real files)', () => {
    const repo = join(SRC, 'store', 'messages.ts');
    expect(sqlLiterals(repo, readFileSync(repo, 'utf8')).length).toBeGreaterThan(3);
  });
});
