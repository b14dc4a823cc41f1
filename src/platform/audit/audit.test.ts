import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { recordAudit, type AuditEntry } from './audit.ts';
import { describeChainReport, verifyAuditChain } from './verify.ts';

// The audit trail cannot be altered by the app (decision 12): its role may only insert and
// read; every entry is chained to its predecessor, so an entry changed or removed by the owner
// shows up in `audit verify`. `test.db` is the app's runtime role, `test.ownerDb` the owner.

const AUTHORITY = 'musterstadt';
const ROOT = path.resolve(import.meta.dirname, '../../..');

const entry = (n: number): AuditEntry => ({
  authorityId: AUTHORITY,
  actor: { id: null, name: 'test' },
  action: 'read',
  subject: { type: 'booking', id: `b-${n}` },
  fields: ['name', 'date_of_birth'],
  purpose: 'test',
  requestId: `req-${n}`,
  details: { n },
});

async function recordSome(db: Db, count: number) {
  for (let n = 0; n < count; n += 1) await recordAudit(db, entry(n));
}

const seqs = async (db: Db) =>
  (await sql<{ seq: string }>`SELECT seq FROM audit_event ORDER BY seq`.execute(db)).rows.map(
    (row) => Number(row.seq),
  );

/** As the owner, with the table's triggers (chaining, append-only) off: tampering by hand. */
const tamper = (owner: Db, ...statements: RawBuilder<unknown>[]) =>
  owner.transaction().execute(async (trx) => {
    await sql`ALTER TABLE audit_event DISABLE TRIGGER USER`.execute(trx);
    for (const statement of statements) await statement.execute(trx);
    await sql`ALTER TABLE audit_event ENABLE TRIGGER USER`.execute(trx);
  });

/** A database of its own for a test that breaks or empties things. */
async function withDatabase(fn: (test: TestDatabase) => Promise<void>) {
  const test = await createTestDatabase();
  try {
    await fn(test);
  } finally {
    await test.drop();
  }
}

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

describe("the app's database role", () => {
  it('is no superuser, owns nothing and may not create roles', async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolcreaterole: boolean; owns: boolean }>`
      SELECT rolsuper, rolcreaterole, EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')
      ) AS owns
      FROM pg_roles WHERE rolname = current_user`.execute(test.db);
    expect(rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, owns: false });
  });

  it('may insert and read the audit trail but not update, delete or truncate it', async () => {
    await recordAudit(test.db, entry(1));
    const count = await seqs(test.db);
    expect(count.length).toBeGreaterThan(0);
    const denied = { code: '42501' }; // insufficient_privilege: permission denied
    await expect(
      sql`UPDATE audit_event SET actor_name = 'x'`.execute(test.db),
    ).rejects.toMatchObject(denied);
    await expect(sql`DELETE FROM audit_event`.execute(test.db)).rejects.toMatchObject(denied);
    await expect(sql`TRUNCATE audit_event`.execute(test.db)).rejects.toMatchObject(denied);
    await expect(
      sql`SELECT audit_event_purge(now() - interval '2 years')`.execute(test.db),
    ).resolves.toBeDefined(); // the purge it may call removes nothing recent
    expect(await seqs(test.db)).toEqual(count);
  });

  it('may not change the schema', async () => {
    const denied = { code: '42501' };
    for (const statement of [
      sql`DROP TABLE audit_event`,
      sql`DROP TABLE booking`,
      sql`ALTER TABLE audit_event DISABLE TRIGGER USER`,
      sql`ALTER TABLE office ADD COLUMN x int`,
      sql`CREATE TABLE intruder (id int)`,
      sql`CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
      sql`DROP FUNCTION audit_event_digest(audit_event)`,
      sql`CREATE ROLE intruder`,
    ]) {
      await expect(
        statement.execute(test.db),
        statement.compile(test.db).sql,
      ).rejects.toMatchObject(denied);
    }
  });

  it('may only read the migration bookkeeping', async () => {
    await expect(sql`DELETE FROM schema_migration`.execute(test.db)).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('the owner, too, cannot update, delete or truncate entries by an ordinary statement', async () => {
    for (const statement of [
      sql`UPDATE audit_event SET actor_name = 'x'`,
      sql`DELETE FROM audit_event`,
      sql`TRUNCATE audit_event`,
    ]) {
      await expect(statement.execute(test.ownerDb)).rejects.toThrow(/append-only/);
    }
  });
});

describe('the hash chain', () => {
  it('stays gapless and intact under 50 concurrent entries', async () => {
    const before = await seqs(test.db);
    await Promise.all(Array.from({ length: 50 }, (_, n) => recordAudit(test.db, entry(n))));
    const after = await seqs(test.db);
    expect(after.length).toBe(before.length + 50);
    const first = after[0] ?? 0;
    expect(after).toEqual(after.map((_, index) => first + index));
    const report = await verifyAuditChain(test.db, { batchSize: 7 }); // many batches
    expect(report.broken).toBeUndefined();
    expect(report.entries).toBe(after.length);
    expect(report.lastSeq).toBe(String(after.at(-1)));
    expect(describeChainReport(report)).toMatch(
      new RegExp(`^${after.length} entries, chain intact`),
    );
  });

  it('reports exactly the entry the owner changed', () =>
    withDatabase(async (tampered) => {
      await recordSome(tampered.db, 10);
      const [, , , , target] = await seqs(tampered.db);
      await tamper(
        tampered.ownerDb,
        sql`UPDATE audit_event SET actor_name = 'someone else' WHERE seq = ${target}`,
      );
      const report = await verifyAuditChain(tampered.db, { batchSize: 3 });
      expect(report.broken).toMatchObject({ seq: String(target), problem: 'altered' });
      expect(describeChainReport(report)).toMatch(`audit chain broken at seq ${target}:`);
    }));

  it('reports a changed entry whose hash the owner recomputed at the next entry', () =>
    withDatabase(async (tampered) => {
      await recordSome(tampered.db, 10);
      const [, , , target] = await seqs(tampered.db);
      await tamper(
        tampered.ownerDb,
        sql`UPDATE audit_event e SET details = '{"n": 99}', hash = audit_event_digest(
              (e.seq, e.at, e.authority_id, e.actor_id, e.actor_name, e.action, e.subject_type,
               e.subject_id, e.fields, e.purpose, e.request_id, e.client, '{"n": 99}'::jsonb,
               e.prev_hash, e.hash)::audit_event)
            WHERE seq = ${target}`,
      );
      const report = await verifyAuditChain(tampered.db);
      expect(report.broken).toMatchObject({ seq: String(Number(target) + 1), problem: 'unlinked' });
    }));

  it('reports an entry the owner removed from the middle', () =>
    withDatabase(async (tampered) => {
      await recordSome(tampered.db, 10);
      const all = await seqs(tampered.db);
      const target = all[5] ?? 0;
      await tamper(tampered.ownerDb, sql`DELETE FROM audit_event WHERE seq = ${target}`);
      const report = await verifyAuditChain(tampered.db);
      expect(report.broken).toMatchObject({ seq: String(target + 1), problem: 'missing' });
      expect(report.broken?.message).toBe(`entry ${target} is missing before entry ${target + 1}`);
    }));

  it('outlives its authority: deleting the authority leaves its trail', () =>
    withDatabase(async (gone) => {
      await recordSome(gone.db, 3);
      const count = async () =>
        (
          await sql<{ n: string }>`
            SELECT count(*) AS n FROM audit_event WHERE authority_id = ${AUTHORITY}`.execute(
            gone.db,
          )
        ).rows[0]?.n;
      const before = await count();
      await sql`DELETE FROM authority WHERE id = ${AUTHORITY}`.execute(gone.db);
      expect((await sql`SELECT 1 FROM authority`.execute(gone.db)).rows).toEqual([]);
      expect(await count()).toBe(before);
      expect((await verifyAuditChain(gone.db)).broken).toBeUndefined();
    }));
});

describe('temporary tables (review M4)', () => {
  it('the runtime role may not create one, so none can shadow the trail', async () => {
    await expect(
      sql`CREATE TEMP TABLE audit_event (LIKE public.audit_event)`.execute(test.db),
    ).rejects.toMatchObject({ code: '42501' });
    const { rows } = await sql<{ temp: boolean }>`
      SELECT has_database_privilege(current_database(), 'TEMPORARY') AS temp`.execute(test.db);
    expect(rows[0]?.temp).toBe(false);
  });

  it('a temporary audit_event does not change how new entries are numbered and linked', () =>
    withDatabase(async (shadowed) => {
      await recordSome(shadowed.db, 3);
      const before = await seqs(shadowed.db);
      // The owner may still create temporary tables; one session puts a forged "last entry"
      // in front of the real table and then appends to the real one.
      await shadowed.ownerDb.connection().execute(async (session) => {
        await sql`CREATE TEMP TABLE audit_event (LIKE public.audit_event INCLUDING DEFAULTS)`.execute(
          session,
        );
        await sql`
          INSERT INTO pg_temp.audit_event (seq, at, authority_id, actor_name, action, prev_hash, hash)
          VALUES (1000000, now(), ${AUTHORITY}, 'forger', 'read', '', 'forged')`.execute(session);
        await sql`
          INSERT INTO public.audit_event (seq, at, authority_id, actor_name, action, prev_hash, hash)
          VALUES (0, now(), ${AUTHORITY}, 'someone', 'read', '', '')`.execute(session);
        await sql`DROP TABLE pg_temp.audit_event`.execute(session);
      });
      expect(await seqs(shadowed.db)).toEqual([...before, (before.at(-1) ?? 0) + 1]);
      expect((await verifyAuditChain(shadowed.db)).broken).toBeUndefined();
    }));
});

describe('retention', () => {
  it('refuses to purge entries younger than a year', async () => {
    const before = await seqs(test.db);
    for (const cutoff of [sql`now()`, sql`now() - interval '11 months'`, sql`NULL`]) {
      await expect(sql`SELECT audit_event_purge(${cutoff})`.execute(test.db)).rejects.toThrow(
        /kept for at least one year/,
      );
    }
    expect(await seqs(test.db)).toEqual(before);
  });

  it('removes only a prefix of old entries, never the newest, and the rest verifies', () =>
    withDatabase(async (old) => {
      await recordSome(old.db, 8);
      const all = await seqs(old.db);
      const cut = all[5] ?? 0;
      // Backdate the first entries by two years and re-chain, as if they were that old.
      await tamper(
        old.ownerDb,
        sql`UPDATE audit_event SET at = at - interval '2 years' WHERE seq < ${cut}`,
        sql`
          DO $$
          DECLARE r audit_event; previous text := '';
          BEGIN
            FOR r IN SELECT * FROM audit_event ORDER BY seq LOOP
              r.prev_hash := previous;
              r.hash := audit_event_digest(r);
              UPDATE audit_event SET prev_hash = r.prev_hash, hash = r.hash WHERE seq = r.seq;
              previous := r.hash;
            END LOOP;
          END $$`,
      );
      expect((await verifyAuditChain(old.db)).broken).toBeUndefined();
      const removed = await sql<{ n: string }>`
        SELECT audit_event_purge(now() - interval '18 months') AS n`.execute(old.db);
      expect(Number(removed.rows[0]?.n)).toBe(all.filter((seq) => seq < cut).length);
      const report = await verifyAuditChain(old.db);
      expect(report).toMatchObject({ broken: undefined, firstSeq: String(cut) });
      expect(describeChainReport(report)).toContain(`entries before ${cut} removed by retention`);
      // New entries go on from the newest.
      await recordAudit(old.db, entry(99));
      expect((await seqs(old.db)).at(-1)).toBe((all.at(-1) ?? 0) + 1);
      expect((await verifyAuditChain(old.db)).broken).toBeUndefined();

      // Everything old: the newest entry stays, so the chain goes on.
      await tamper(old.ownerDb, sql`UPDATE audit_event SET at = at - interval '3 years'`);
      await sql`SELECT audit_event_purge(now() - interval '2 years')`.execute(old.db);
      expect(await seqs(old.db)).toEqual([(all.at(-1) ?? 0) + 1]);
    }));
});

describe('welcome-center audit verify', () => {
  const run = (tested: TestDatabase) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-audit-'));
    const child = spawn(process.execPath, ['bin/welcome-center.js', 'audit', 'verify'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        DATABASE_URL: tested.url,
        DATABASE_OWNER_URL: tested.ownerUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise<{ code: number | null; output: string }>((resolve) =>
      child.on('exit', (code) => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        resolve({ code, output });
      }),
    );
  };

  it(
    'says the chain is intact (exit 0), or names the broken link (exit 1)',
    () =>
      withDatabase(async (cli) => {
        await recordSome(cli.db, 4);
        const intact = await run(cli);
        expect(intact.output).toMatch(/\d+ entries, chain intact/);
        expect(intact.code).toBe(0);
        const [, target] = await seqs(cli.db);
        await tamper(cli.ownerDb, sql`UPDATE audit_event SET purpose = 'x' WHERE seq = ${target}`);
        const broken = await run(cli);
        expect(broken.output).toContain(`audit chain broken at seq ${target}:`);
        expect(broken.code).toBe(1);
      }),
    60_000,
  );
});
