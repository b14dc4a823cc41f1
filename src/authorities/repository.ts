import type { Db } from '../platform/db/database.ts';
import type { Authority } from '../platform/http/request-context.ts';

export type { Authority } from '../platform/http/request-context.ts';

export async function findAuthorityByHost(db: Db, host: string): Promise<Authority | undefined> {
  return db
    .selectFrom('authority_host as h')
    .innerJoin('authority as a', 'a.id', 'h.authority_id')
    .where('h.host', '=', host)
    .select(columns)
    .executeTakeFirst();
}

export async function findAuthorityById(db: Db, id: string): Promise<Authority | undefined> {
  return db.selectFrom('authority as a').where('a.id', '=', id).select(columns).executeTakeFirst();
}

const columns = [
  'a.id',
  'a.name',
  'a.land',
  'a.contact_email as contactEmail',
  'a.accessibility_email as accessibilityEmail',
  'a.accessibility_statement_date as accessibilityStatementDate',
  'a.conciliation_url as conciliationUrl',
  'a.phone',
  'a.time_zone as timeZone',
] as const;

export async function countAuthorities(db: Db): Promise<number> {
  const row = await db
    .selectFrom('authority')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function upsertAuthority(
  db: Db,
  authority: Omit<Authority, 'timeZone'>,
  hosts: readonly string[],
) {
  await db
    .insertInto('authority')
    .values({
      id: authority.id,
      name: authority.name,
      land: authority.land,
      contact_email: authority.contactEmail,
      accessibility_email: authority.accessibilityEmail,
      accessibility_statement_date: authority.accessibilityStatementDate,
      conciliation_url: authority.conciliationUrl,
      phone: authority.phone,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        land: eb.ref('excluded.land'),
        contact_email: eb.ref('excluded.contact_email'),
        accessibility_email: eb.ref('excluded.accessibility_email'),
        accessibility_statement_date: eb.ref('excluded.accessibility_statement_date'),
        conciliation_url: eb.ref('excluded.conciliation_url'),
        phone: eb.ref('excluded.phone'),
      })),
    )
    .execute();
  for (const host of hosts) {
    await db
      .insertInto('authority_host')
      .values({ host: host.toLowerCase(), authority_id: authority.id })
      .onConflict((oc) => oc.column('host').doUpdateSet({ authority_id: authority.id }))
      .execute();
  }
}

export async function listAuthorities(db: Db): Promise<Authority[]> {
  return db.selectFrom('authority as a').orderBy('a.id').select(columns).execute();
}
