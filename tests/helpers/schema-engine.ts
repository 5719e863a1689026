// Prisma's own schema engine (the WASM build that prisma-pglite ships with) driven through a
// driver adapter, to compare a live database with schema.prisma the way `prisma migrate diff` does.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

type Runtime = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
const require = createRequire(import.meta.url);
let runtimePromise: Promise<Runtime> | undefined;

function loadRuntime(): Promise<Runtime> {
  runtimePromise ??= (async () => {
    const runtime = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = join(
      dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const instance = new WebAssembly.Instance(new WebAssembly.Module(await readFile(wasmPath)), {
      "./schema_engine_bg.js": runtime as unknown as WebAssembly.ModuleImports,
    });
    (runtime as unknown as { __wbg_set_wasm(w: unknown): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start();
    return runtime;
  })();
  return runtimePromise;
}

// @prisma/adapter-pg cannot map PostgreSQL's internal one-byte `"char"` type (oid 18), which the
// engine's catalog introspection selects (relkind, contype, ...), while the engine wants it as
// ColumnTypeEnum.Character (what prisma-pglite's adapter reports). The client below hides the oid
// from adapter-pg (as text) and remembers the columns; the connection wrapper restores the type.
const CHAR_OID = 18;
const TEXT_OID = 25;
const charColumns = new WeakMap<object, number[]>();

function hideChar(res: pg.QueryResult | undefined): void {
  if (!res?.fields) return;
  const columns: number[] = [];
  res.fields.forEach((field, i) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      columns.push(i);
    }
  });
  if (columns.length) charColumns.set(res.rows, columns);
}

class IntrospectionClient extends pg.Client {
  // pg.Pool#query calls this with a callback; a direct client.query without one returns a promise.
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last] as (err: Error | null, res?: pg.QueryResult) => void;
      args[last] = (err: Error | null, res?: pg.QueryResult) => {
        if (!err) hideChar(res);
        callback(err, res);
      };
    }
    const result = (super.query as any)(...args);
    return result instanceof Promise ? result.then((res: pg.QueryResult) => (hideChar(res), res)) : result;
  }
}

type Queryable = { queryRaw(q: SqlQuery): Promise<SqlResultSet> };
function restoreChar<T extends Queryable>(target: T): T {
  const queryRaw = target.queryRaw.bind(target);
  target.queryRaw = async (q) => {
    const result = await queryRaw(q);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return target;
}

export async function schemaContainers(schemaPath: string): Promise<SchemaContainer[]> {
  return [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }];
}

/**
 * The SQL that would turn the database at `url` into what `schemaPath` describes, or "" when they
 * agree (Prisma's `migrate diff --from-config-datasource --to-schema --script`).
 */
export async function diffDatabaseAgainstSchema(url: string, schemaPath: string): Promise<string> {
  const runtime = await loadRuntime();
  // Keep every connection the engine opens, so none outlives the comparison.
  const pool = new pg.Pool({ connectionString: url, max: 2, Client: IntrospectionClient });
  const prismaPg = new PrismaPg(pool);
  const opened: { dispose(): Promise<void> }[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: prismaPg.provider,
    adapterName: prismaPg.adapterName,
    connect: async () => {
      const connection: SqlDriverAdapter = restoreChar(await prismaPg.connect());
      const startTransaction = connection.startTransaction.bind(connection);
      connection.startTransaction = async (level) => restoreChar(await startTransaction(level));
      opened.push(connection);
      return connection;
    },
    connectToShadowDb: async () => {
      throw new Error("the drift check needs no shadow database");
    },
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine: SchemaEngine = await runtime.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  try {
    const files = await schemaContainers(schemaPath);
    const filters = { externalTables: [], externalEnums: [] };
    const diff = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: dirname(schemaPath) },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true,
      filters,
    });
    return diff.exitCode === 0 ? "" : (diff.stdout ?? "");
  } finally {
    engine.free();
    await Promise.all(opened.map((c) => c.dispose().catch(() => {})));
    await pool.end();
  }
}
