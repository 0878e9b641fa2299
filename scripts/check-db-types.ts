// npm run check:db-types: whether server/db/types.ts (Kysely's view of the schema) says what
// the migrations in sql/ make. Applies every migration to an empty in-memory database, reads
// its tables and columns from information_schema, and compares them with the interfaces of
// types.ts, read with the TypeScript compiler: every table of the database in `Database` and
// back, every column a property and back, and a column that may be NULL typed with `null` (and
// one that may not, without). A table interface with an index signature (figures_monthly:
// one column per measure, added by the server) takes columns beyond those it names.
// Exits 1 with each difference, in English for developers. Used by CI (.ci/run).
import { resolve } from 'node:path';
import ts from 'typescript';
import { openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';

const TYPES_FILE = resolve(import.meta.dirname, '../server/db/types.ts');
/** Tables of the migration machinery, not of the application. */
const IGNORED_TABLES = new Set(['schema_migrations']);

interface Column {
  nullable: boolean;
}
type Tables = Map<string, Map<string, Column>>;

async function databaseTables(): Promise<Tables> {
  const handle = await openDatabase({ memory: true });
  try {
    await migrate(handle);
    const { rows } = await handle.db
      .withTables<{
        'information_schema.columns': {
          table_schema: string;
          table_name: string;
          column_name: string;
          is_nullable: string;
        };
        'information_schema.tables': {
          table_schema: string;
          table_name: string;
          table_type: string;
        };
      }>()
      .selectFrom('information_schema.columns as c')
      .innerJoin('information_schema.tables as t', (join) =>
        join
          .onRef('t.table_schema', '=', 'c.table_schema')
          .onRef('t.table_name', '=', 'c.table_name'),
      )
      .select(['c.table_name', 'c.column_name', 'c.is_nullable'])
      .where('c.table_schema', '=', 'public')
      .where('t.table_type', '=', 'BASE TABLE')
      .execute()
      .then((rows) => ({ rows }));
    const tables: Tables = new Map();
    for (const row of rows) {
      if (IGNORED_TABLES.has(row.table_name)) continue;
      const columns = tables.get(row.table_name) ?? new Map<string, Column>();
      columns.set(row.column_name, { nullable: row.is_nullable === 'YES' });
      tables.set(row.table_name, columns);
    }
    return tables;
  } finally {
    await handle.close();
  }
}

interface DeclaredTable {
  columns: Map<string, Column>;
  open: boolean;
}

/** The tables `Database` names, each with its interface's properties. */
function declaredTables(): Map<string, DeclaredTable> {
  const program = ts.createProgram([TYPES_FILE], { strict: true, skipLibCheck: true });
  const source = program.getSourceFile(TYPES_FILE);
  if (!source) throw new Error(`${TYPES_FILE} not found`);
  const checker = program.getTypeChecker();
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  ts.forEachChild(source, (node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const database = interfaces.get('Database');
  if (!database) throw new Error('types.ts declares no interface Database');
  /** The type a SELECT reads: the first argument of ColumnType, Generated or Frozen. */
  const selected = (node: ts.TypeNode): ts.TypeNode => {
    if (ts.isTypeReferenceNode(node) && node.typeArguments?.[0]) {
      const name = node.typeName.getText(source);
      if (['ColumnType', 'Generated', 'Frozen'].includes(name))
        return selected(node.typeArguments[0]);
    }
    return node;
  };
  const admitsNull = (node: ts.TypeNode) => {
    const type = checker.getTypeFromTypeNode(selected(node));
    const parts = type.isUnion() ? type.types : [type];
    return parts.some((part) => (part.flags & ts.TypeFlags.Null) !== 0);
  };
  const tables = new Map<string, DeclaredTable>();
  for (const member of database.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const table = member.name.getText(source);
    const name = member.type.getText(source);
    const declaration = interfaces.get(name);
    if (!declaration) throw new Error(`Database.${table}: interface ${name} not found`);
    const columns = new Map<string, Column>();
    let open = false;
    for (const property of declaration.members) {
      if (ts.isIndexSignatureDeclaration(property)) open = true;
      if (!ts.isPropertySignature(property) || !property.type) continue;
      columns.set(property.name.getText(source), { nullable: admitsNull(property.type) });
    }
    tables.set(table, { columns, open });
  }
  return tables;
}

export function differences(
  database: Tables,
  declared: ReadonlyMap<string, DeclaredTable>,
): string[] {
  const found: string[] = [];
  for (const [table, columns] of database) {
    const typed = declared.get(table);
    if (!typed) {
      found.push(`table ${table}: in the migrations, missing from Database in types.ts`);
      continue;
    }
    for (const [column, { nullable }] of columns) {
      const property = typed.columns.get(column);
      if (!property) {
        if (!typed.open) found.push(`${table}.${column}: in the migrations, missing from types.ts`);
        continue;
      }
      if (property.nullable !== nullable)
        found.push(
          `${table}.${column}: ${nullable ? 'may be NULL' : 'is NOT NULL'} in the migrations, typed ${property.nullable ? 'with' : 'without'} null in types.ts`,
        );
    }
    for (const column of typed.columns.keys())
      if (!columns.has(column))
        found.push(`${table}.${column}: in types.ts, no such column in the migrations`);
  }
  for (const table of declared.keys())
    if (!database.has(table)) found.push(`table ${table}: in types.ts, not made by the migrations`);
  return found;
}

if (process.argv[1] === import.meta.filename) {
  const found = differences(await databaseTables(), declaredTables());
  if (found.length > 0) {
    console.error(
      `server/db/types.ts differs from the migrations in sql/:\n- ${found.join('\n- ')}`,
    );
    process.exit(1);
  }
  console.log('server/db/types.ts matches the migrations in sql/.');
}
