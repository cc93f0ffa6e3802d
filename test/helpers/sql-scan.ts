/**
 * Finds SQL written as text in TypeScript sources: string and template literals (Kysely's `sql`
 * template included) that read as SQL, and `.prepare(` / `.exec(` calls given literal text.
 * Used by test/foundation/sql-in-repos.test.ts to keep SQL in `*repo.ts` files, migrations/ and the
 * migration runner (issue 16).
 */
import ts from 'typescript';

/** Whole statements and the clauses a WHERE fragment is made of; upper case so prose does not match. */
const SQL_PATTERNS: RegExp[] = [
  /\bSELECT\s+(DISTINCT\s+)?[\w*(@`"'$]/,
  /\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b/i,
  /\bUPDATE\s+[\w.$"{}]+\s+SET\b/i,
  /\bDELETE\s+FROM\b/i,
  /\b(CREATE|DROP)\s+(TEMP\s+|TEMPORARY\s+|UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b/i,
  /\bALTER\s+TABLE\b/i,
  /\bPRAGMA\s+\w/i,
  /\bEXPLAIN\s+QUERY\s+PLAN\b/i,
  /\bWITH\s+(RECURSIVE\s+)?\w+\s*(\([^)]*\))?\s+AS\s*\(/,
  /\b(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ANALYZE|REINDEX)\b(\s+[A-Z]+)?\s*;?\s*$/,
  /\b(WHERE|ORDER BY|GROUP BY|LIMIT \?|IS NOT NULL|IS NULL|VALUES\s*\()/,
  /^\s*[\w.]+\s+(IN\s*\(|=\s*\?|[<>]=?\s*\?)/,
];

export function looksLikeSql(text: string): boolean {
  return SQL_PATTERNS.some((pattern) => pattern.test(text));
}

export interface SqlFinding {
  file: string;
  line: number;
  kind: 'literal' | 'prepare' | 'exec' | 'pragma';
  text: string;
}

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ${…} ');
  return null;
}

/** Every SQL-looking literal, every `.prepare(`/`.exec(` call with a literal argument and every `.pragma(` call in one source file. */
export function scanSource(file: string, source: string): SqlFinding[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const findings: SqlFinding[] = [];
  const line = (node: ts.Node) => tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      const first = node.arguments[0];
      if ((name === 'prepare' || name === 'exec') && first && literalText(first) !== null) {
        findings.push({ file, line: line(node), kind: name, text: literalText(first)!.slice(0, 120) });
        return;
      }
      // better-sqlite3's pragma(): the text of a PRAGMA statement, whatever builds it.
      if (name === 'pragma' && first) {
        findings.push({ file, line: line(node), kind: 'pragma', text: node.getText(tree).slice(0, 120) });
        return;
      }
    }
    const text = literalText(node);
    if (text !== null) {
      if (looksLikeSql(text)) findings.push({ file, line: line(node), kind: 'literal', text: text.slice(0, 120) });
      if (ts.isTemplateExpression(node)) node.templateSpans.forEach((span) => visit(span.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return findings;
}

/** Where SQL text may be written: migrations (not TypeScript), the migration runner, repositories. */
export function sqlAllowedIn(file: string): boolean {
  const path = file.replace(/\\/g, '/');
  return path.endsWith('repo.ts') || path.endsWith('src/main/db/migrate.ts') || path.includes('/migrations/');
}
