import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { upsertAuthority } from '../authorities/service.ts';
import { replaceCapacityRules, upsertPolicy } from '../appointments/service.ts';
import { saveConcern } from '../concerns/service.ts';
import { saveOffice } from '../offices/service.ts';
import { createStaffMember, type DemoStaffAccount } from '../staff/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { TextInput } from '../platform/db/translatable.ts';
import { LANGUAGES } from '../platform/i18n/languages.ts';
import type { Role } from '../platform/policy/policy.ts';
import type { LanguageLevel, StaffKeys } from '../staff/index.ts';

// Loads the demo authority "Musterstadt" from content/demo into the database. Safe to run
// again: rows are upserted, and unchanged translations keep their status.

const DEMO_STAFF = [
  {
    username: 'empfang',
    displayName: 'Erika Empfang',
    role: 'reception',
    officeId: 'central',
    organisationId: null,
    languages: [
      { lang: 'de', level: 'native' },
      { lang: 'tr', level: 'C1' },
    ],
  },
  {
    username: 'sachbearbeitung',
    displayName: 'Samir Sachbearbeitung',
    role: 'caseworker',
    officeId: 'central',
    organisationId: null,
    languages: [
      { lang: 'de', level: 'C2' },
      { lang: 'ar', level: 'native' },
      { lang: 'en', level: 'B2' },
    ],
  },
  {
    username: 'teamleitung',
    displayName: 'Tanja Teamleitung',
    role: 'team_lead',
    officeId: 'central',
    organisationId: null,
    languages: [
      { lang: 'de', level: 'native' },
      { lang: 'ru', level: 'B1' },
    ],
  },
  {
    username: 'admin',
    displayName: 'Anna Administration',
    role: 'administrator',
    officeId: null,
    organisationId: null,
    languages: [
      { lang: 'de', level: 'native' },
      { lang: 'en', level: 'C1' },
    ],
  },
  {
    username: 'datenschutz',
    displayName: 'Daniel Datenschutz',
    role: 'data_protection_officer',
    officeId: null,
    organisationId: null,
    languages: [{ lang: 'de', level: 'native' }],
  },
  {
    username: 'partner',
    displayName: 'Paula Partner',
    role: 'partner',
    officeId: null,
    organisationId: 'beratung-mitte',
    languages: [
      { lang: 'de', level: 'native' },
      { lang: 'uk', level: 'native' },
    ],
  },
] as const satisfies readonly {
  username: string;
  displayName: string;
  role: Role;
  officeId: string | null;
  organisationId: string | null;
  languages: readonly { lang: string; level: LanguageLevel }[];
}[];

export type SeedOptions = {
  /** Encrypts the demo accounts' TOTP secrets (derived from the application secret). */
  keys: StaffKeys;
  /** One password for every demo account (tests); random per account otherwise. */
  staffPassword?: string;
  /** Production loads the content only: no demo accounts. */
  withoutStaff?: boolean;
};

const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../content/demo');

const authoritySchema = z.object({
  id: z.string(),
  name: z.string(),
  land: z.string().length(2),
  contactEmail: z.email(),
  accessibilityEmail: z.email(),
  accessibilityStatementDate: z.iso.date(),
  conciliationUrl: z.url(),
  phone: z.string().nullable(),
  hosts: z.array(z.string()),
});

const time = z.string().regex(/^\d{2}:\d{2}$/);
const officesSchema = z.array(
  z.object({
    id: z.string(),
    kind: z.enum(['central', 'district']),
    street: z.string(),
    postalCode: z.string(),
    city: z.string(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    languages: z.array(z.string()),
    wheelchairAccessible: z.boolean(),
    hours: z.array(
      z.object({ weekday: z.number().int().min(1).max(7), opens: time, closes: time }),
    ),
    concerns: z.array(z.string()),
  }),
);

const concernsSchema = z.array(
  z.object({
    id: z.string(),
    leikaKey: z.string().nullable(),
    legalBasis: z.string(),
    slotMinutes: z.number().int(),
    release: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('rolling'), weeksAhead: z.number().int() }),
      z.object({ mode: z.literal('weekly'), weekday: z.number().int(), time: time }),
    ]),
  }),
);

const capacitySchema = z.object({
  rules: z.array(
    z.object({
      office: z.string(),
      concerns: z.array(z.string()),
      weekdays: z.array(z.number().int().min(1).max(7)),
      starts: time,
      ends: time,
      desks: z.number().int(),
    }),
  ),
});

const status = z.enum(['reviewed', 'unreviewed']);
const concernTextsSchema = z.object({
  status,
  concerns: z.record(
    z.string(),
    z.object({
      title: z.string(),
      summary: z.string(),
      audience: z.string(),
      documents: z.array(z.string()),
      fee: z.string(),
      duration: z.string(),
      legalBasisNote: z.string(),
    }),
  ),
});
const officeTextsSchema = z.object({
  status,
  offices: z.record(
    z.string(),
    z.object({ name: z.string(), accessibility: z.string(), directions: z.string() }),
  ),
});

function readJson<T>(schema: z.ZodType<T>, file: string): T {
  return schema.parse(JSON.parse(fs.readFileSync(path.join(DEMO_DIR, file), 'utf8')));
}

function readPerLanguage<T>(schema: z.ZodType<T>, folder: string): [string, T][] {
  return LANGUAGES.filter((l) => fs.existsSync(path.join(DEMO_DIR, folder, `${l.code}.json`))).map(
    (l) => [l.code, readJson(schema, path.join(folder, `${l.code}.json`))],
  );
}

export async function seedDemo(
  db: Db,
  options: SeedOptions,
): Promise<{ demoStaff: DemoStaffAccount[] }> {
  const authority = readJson(authoritySchema, 'authority.json');
  await upsertAuthority(db, authority, authority.hosts);

  const concernTexts = readPerLanguage(concernTextsSchema, 'concerns');
  const concerns = readJson(concernsSchema, 'concerns.json');
  for (const [index, concern] of concerns.entries()) {
    const texts: TextInput[] = concernTexts.flatMap(([lang, file]) => {
      const c = file.concerns[concern.id];
      if (!c) return [];
      const fields = {
        title: c.title,
        summary: c.summary,
        audience: c.audience,
        documents: c.documents.join('\n'),
        fee: c.fee,
        duration: c.duration,
        legal_basis_note: c.legalBasisNote,
      };
      return Object.entries(fields).map(([field, text]) => ({
        id: concern.id,
        lang,
        field,
        text,
        status: file.status,
      }));
    });
    await saveConcern(
      db,
      authority.id,
      {
        id: concern.id,
        leikaKey: concern.leikaKey,
        legalBasis: concern.legalBasis,
        sortOrder: index,
      },
      texts,
    );
    const { release } = concern;
    await upsertPolicy(db, authority.id, {
      concernId: concern.id,
      slotMinutes: concern.slotMinutes,
      releaseMode: release.mode,
      releaseWeeksAhead: release.mode === 'rolling' ? release.weeksAhead : 6,
      releaseWeekday: release.mode === 'weekly' ? release.weekday : null,
      releaseTime: release.mode === 'weekly' ? release.time : null,
    });
  }

  const officeTexts = readPerLanguage(officeTextsSchema, 'offices');
  const offices = readJson(officesSchema, 'offices.json');
  for (const [index, office] of offices.entries()) {
    const texts: TextInput[] = officeTexts.flatMap(([lang, file]) => {
      const o = file.offices[office.id];
      if (!o) return [];
      return Object.entries(o).map(([field, text]) => ({
        id: office.id,
        lang,
        field,
        text,
        status: file.status,
      }));
    });
    const { concerns: concernIds, ...rest } = office;
    await saveOffice(db, authority.id, { ...rest, concernIds, sortOrder: index }, texts);
  }

  const capacity = readJson(capacitySchema, 'capacity.json');
  await replaceCapacityRules(
    db,
    authority.id,
    capacity.rules.flatMap((rule) =>
      rule.concerns.flatMap((concernId) =>
        rule.weekdays.map((weekday) => ({
          officeId: rule.office,
          concernId,
          weekday,
          starts: rule.starts,
          ends: rule.ends,
          desks: rule.desks,
        })),
      ),
    ),
  );

  return { demoStaff: options.withoutStaff ? [] : await seedDemoStaff(db, authority, options) };
}

/**
 * One account per role (development only: production refuses to start while a demo account
 * exists). Passwords and TOTP secrets are random, never in the repository; the caller writes
 * them to DATA_DIR/demo-staff.json. An existing demo database keeps its accounts.
 */
async function seedDemoStaff(
  db: Db,
  authority: { id: string; name: string },
  options: SeedOptions,
): Promise<DemoStaffAccount[]> {
  const existing = await db
    .selectFrom('staff_member')
    .where('authority_id', '=', authority.id)
    .select('id')
    .executeTakeFirst();
  if (existing) return [];
  await db
    .insertInto('organisation')
    .values({ authority_id: authority.id, id: 'beratung-mitte', name: 'Migrationsberatung Mitte' })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const accounts: DemoStaffAccount[] = [];
  for (const demo of DEMO_STAFF) {
    const created = await createStaffMember(
      { db, keys: options.keys },
      {
        authorityId: authority.id,
        username: demo.username,
        displayName: demo.displayName,
        grants: [{ role: demo.role, officeId: demo.officeId, organisationId: demo.organisationId }],
        languages: [...demo.languages],
        temporaryPassword: false,
        demo: true,
        issuer: authority.name,
        ...(options.staffPassword ? { password: options.staffPassword } : {}),
      },
    );
    accounts.push({
      username: demo.username,
      role: demo.role,
      office: demo.officeId,
      password: created.password,
      totpSecret: created.totpSecret,
    });
  }
  return accounts;
}
