import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { upsertAuthority } from '../authorities/service.ts';
import { replaceCapacityRules, upsertPolicy } from '../appointments/service.ts';
import { saveConcern } from '../concerns/service.ts';
import { saveOffice } from '../offices/service.ts';
import { upsertStaffUser } from '../staff/service.ts';
import type { Db } from '../platform/db/database.ts';
import type { TextInput } from '../platform/db/translatable.ts';
import { LANGUAGES } from '../platform/i18n/languages.ts';

// Loads the demo authority "Musterstadt" from content/demo into the database. Safe to run
// again: rows are upserted, and unchanged translations keep their status.

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
  options: { staffPassword?: string } = {},
): Promise<{ staffUsername: string; staffPassword: string }> {
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

  // A temporary staff login until staff accounts arrive: its password is random, never in
  // the repository; the caller shows it to the operator.
  const staffPassword = options.staffPassword ?? crypto.randomBytes(12).toString('base64url');
  await upsertStaffUser(db, authority.id, {
    username: 'demo',
    displayName: 'Demo Sachbearbeitung',
    password: staffPassword,
  });
  return { staffUsername: 'demo', staffPassword };
}
