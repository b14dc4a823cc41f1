import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { applyRuntimeGrants, kyselyRunner } from './grants.ts';

const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../migrations',
);

/** Forward-only plain SQL files named NNNN_description.sql, applied in name order. */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(this.dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f));
    const migrations: Record<string, Migration> = {};
    for (const file of files.sort()) {
      const text = await fs.readFile(path.join(this.dir, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

/**
 * Applies the pending migrations, then the runtime role's grants (platform/db/grants.ts), so
 * that every table is usable by the app, and the audit trail only appendable. Run as the owner.
 */
export async function migrateToLatest<T>(db: Kysely<T>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new SqlFileMigrationProvider(dir),
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` in ${failed.migrationName}` : '';
    // The app's own role may not change the schema: say which connection migrations need.
    const hint =
      (error as { code?: unknown }).code === '42501'
        ? ' (migrations run as the owner of the database: set DATABASE_OWNER_URL)'
        : '';
    throw new Error(
      `Migration failed${name}: ${error instanceof Error ? error.message : String(error)}${hint}`,
    );
  }
  await db.connection().execute((connection) => applyRuntimeGrants(kyselyRunner(connection)));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
