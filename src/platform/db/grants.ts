import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';

// Least privilege in the database (decision 12). The owner role runs the migrations and owns
// every table; the app connects as a login role that is a member of the group role
// RUNTIME_ROLE, which holds exactly the rights the app needs: data, not schema, and on the
// audit trail only INSERT and SELECT. The grants are applied after every migration, so a new
// table is usable by the app as soon as it exists.

/** The group role (NOLOGIN) holding the app's rights; the app's login roles are its members. */
export const RUNTIME_ROLE = 'welcome_center_runtime';

/** Tables the app may read but never write. */
const READ_ONLY_TABLES = ['schema_migration', 'schema_migration_lock'];

/** Serialises grant runs on one database: concurrent GRANTs on one table can fail. */
const GRANTS_LOCK = 0x5743_0012n;

/** Runs one statement; both a `pg.Client` and a Kysely connection can provide it. */
export type RunSql = (
  statement: string,
  values?: unknown[],
) => Promise<{ rows: Record<string, unknown>[] }>;

/** A runner on one Kysely connection (pin it with `db.connection().execute`). */
export const kyselyRunner =
  <T>(db: Kysely<T>): RunSql =>
  async (statement, values = []) =>
    db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(statement, values));

const ident = (name: string) => pg.escapeIdentifier(name);

/** A role created concurrently by another process or test file. */
const isDuplicate = (error: unknown) =>
  ['42710', '23505'].includes((error as { code?: string }).code ?? '');

async function roleExists(run: RunSql, name: string): Promise<boolean> {
  const { rows } = await run('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  return rows.length > 0;
}

/**
 * Creates the group role unless it exists. Returns false when it is missing and this
 * connection may not create roles: the operator creates it (README, "Database roles").
 */
export async function ensureRuntimeRole(run: RunSql): Promise<boolean> {
  if (await roleExists(run, RUNTIME_ROLE)) return true;
  try {
    await run(`CREATE ROLE ${ident(RUNTIME_ROLE)} NOLOGIN`);
  } catch (error) {
    if (isDuplicate(error)) return true;
    if ((error as { code?: string }).code === '42501') return false;
    throw error;
  }
  return true;
}

/**
 * A login role for the app: a member of the runtime group and nothing more (no superuser, no
 * database or role creation, no replication, owns nothing). Its password is set to
 * `password` every time, so the role follows the password file it is read from.
 */
export async function ensureLoginRole(run: RunSql, name: string, password: string) {
  if (!(await ensureRuntimeRole(run))) {
    throw new Error(`The role ${RUNTIME_ROLE} is missing and this connection may not create it.`);
  }
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${pg.escapeLiteral(password)}`;
  if (!(await roleExists(run, name))) {
    try {
      await run(`CREATE ROLE ${ident(name)} ${attributes}`);
    } catch (error) {
      if (!isDuplicate(error)) throw error;
    }
  }
  await run(`ALTER ROLE ${ident(name)} ${attributes}`);
  const { rows } = await run(
    `SELECT 1 FROM pg_auth_members m
     JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
     WHERE g.rolname = $1 AND r.rolname = $2`,
    [RUNTIME_ROLE, name],
  );
  if (rows.length === 0) {
    try {
      await run(`GRANT ${ident(RUNTIME_ROLE)} TO ${ident(name)}`);
    } catch (error) {
      if (!isDuplicate(error)) throw error;
    }
  }
}

/**
 * No temporary tables for the app (review M4): a temporary table named like one of ours comes
 * first in a session's search path, ahead of the real table, and the app needs none. PostgreSQL
 * gives TEMPORARY on every database to PUBLIC, and a database cloned from a template starts with
 * that default again, so this runs every time. Only the database's owner may revoke it; where
 * the owner of the tables is not, the start-up check in production names what is left to do.
 */
async function revokeTemporary(run: RunSql, role: string) {
  const { rows } = await run(`
    SELECT current_database() AS name, pg_has_role(current_user, d.datdba, 'USAGE') AS owner
    FROM pg_database d WHERE d.datname = current_database()`);
  const database = rows[0] as { name: string; owner: boolean } | undefined;
  if (!database?.owner) return;
  await run(`REVOKE TEMPORARY ON DATABASE ${ident(database.name)} FROM PUBLIC, ${role}`);
}

/**
 * Gives the runtime group its rights on everything in schema public. Idempotent; run by the
 * owner after every migration, in one transaction. Objects the connection does not own are
 * left as they are (PostgreSQL warns and grants nothing). Returns false, granting nothing,
 * when the connection owns no table, or the group role is missing and cannot be created here.
 */
export async function applyRuntimeGrants(run: RunSql): Promise<boolean> {
  // Only the owner grants; the app's own role (when it is DATABASE_URL alone) has nothing to give.
  const { rows: owned } = await run(`
    SELECT EXISTS (
      SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')
    ) AS owner`);
  if (owned[0]?.owner !== true) return false;
  if (!(await ensureRuntimeRole(run))) return false;
  const role = ident(RUNTIME_ROLE);
  await run('BEGIN');
  try {
    await run(`SELECT pg_advisory_xact_lock(${GRANTS_LOCK.toString()})`);
    await run(`GRANT USAGE ON SCHEMA public TO ${role}`);
    // PostgreSQL before 15 lets everyone create objects in public; the app must not.
    await run('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await run(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await run(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await run(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${role}`);
    await revokeTemporary(run, role);
    const { rows } = await run(
      `SELECT c.relname AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE c.relname = ANY($1) AND c.relkind IN ('r', 'p')`,
      [['audit_event', ...READ_ONLY_TABLES]],
    );
    for (const { name } of rows as { name: string }[]) {
      await run(`REVOKE ALL ON ${ident(name)} FROM ${role}`);
      const rights = name === 'audit_event' ? 'SELECT, INSERT' : 'SELECT';
      await run(`GRANT ${rights} ON ${ident(name)} TO ${role}`);
    }
    await run('COMMIT');
  } catch (error) {
    await run('ROLLBACK');
    throw error;
  }
  return true;
}

/**
 * What is wrong with the connected role as the app's runtime role, in plain words: rights
 * beyond what the app needs, or missing rights on the audit trail. Empty when it holds least
 * privilege. Run on the app's own connection after migrating.
 */
export async function runtimeRoleProblems(run: RunSql): Promise<string[]> {
  const { rows } = await run(`
    SELECT current_user AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
      has_schema_privilege('public', 'CREATE') AS ddl,
      has_database_privilege(current_database(), 'TEMPORARY') AS temp,
      current_database() AS database,
      EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')
      ) AS owner,
      to_regclass('public.audit_event') IS NOT NULL AS audited,
      CASE WHEN to_regclass('public.audit_event') IS NOT NULL THEN array_remove(ARRAY[
        CASE WHEN has_table_privilege('public.audit_event', 'UPDATE') THEN 'UPDATE' END,
        CASE WHEN has_table_privilege('public.audit_event', 'DELETE') THEN 'DELETE' END,
        CASE WHEN has_table_privilege('public.audit_event', 'TRUNCATE') THEN 'TRUNCATE' END
      ], NULL) END AS audit_rights,
      CASE WHEN to_regclass('public.audit_event') IS NOT NULL THEN
        has_table_privilege('public.audit_event', 'INSERT')
        AND has_table_privilege('public.audit_event', 'SELECT') END AS can_audit
    FROM pg_roles r WHERE r.rolname = current_user`);
  const row = rows[0] as {
    role: string;
    superuser: boolean;
    createrole: boolean;
    ddl: boolean;
    temp: boolean;
    database: string;
    owner: boolean;
    audited: boolean;
    audit_rights: string[] | null;
    can_audit: boolean | null;
  };
  const who = `the database role "${row.role}"`;
  const problems: string[] = [];
  if (row.superuser) problems.push(`${who} is a superuser`);
  if (row.createrole) problems.push(`${who} may create roles`);
  if (row.owner)
    problems.push(`${who} owns tables of the database (or is a member of their owner)`);
  if (row.ddl) problems.push(`${who} may create objects in schema public`);
  if (row.temp) {
    problems.push(
      `${who} has TEMP on the database (a temporary table could shadow the audit trail): ` +
        `REVOKE TEMPORARY ON DATABASE ${ident(row.database)} FROM PUBLIC, ${ident(RUNTIME_ROLE)}`,
    );
  }
  if (row.audit_rights && row.audit_rights.length > 0) {
    problems.push(`${who} may ${row.audit_rights.join(', ')} audit_event`);
  }
  if (!row.audited) problems.push('the table audit_event is missing: migrate first');
  else if (!row.can_audit && problems.length === 0) {
    problems.push(`${who} may not write the audit trail: grant it ${RUNTIME_ROLE}`);
  }
  return problems;
}
