import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';
import { extendSlotWindow } from '../../src/appointments/service.ts';

export const MUSTERSTADT = {
  id: 'musterstadt',
  name: 'Musterstadt',
  land: 'NI',
  timeZone: 'Europe/Berlin',
};

/** Slots for the local days from..to (the window starts at `from`). */
export async function slotsFrom(db: Db, from: string, days: number) {
  return extendSlotWindow(db, MUSTERSTADT, new Date(`${from}T00:00:00Z`), days);
}

export async function slotAt(db: Db, concernId: string, officeId: string, startsAt: string) {
  const result = await sql<{ id: string; capacity: number; booked: number }>`
    SELECT id, capacity, booked FROM slot
    WHERE authority_id = 'musterstadt' AND concern_id = ${concernId} AND office_id = ${officeId}
      AND starts_at = ${startsAt}::timestamptz`.execute(db);
  const slot = result.rows[0];
  if (!slot) throw new Error(`no slot ${concernId}/${officeId} at ${startsAt}`);
  return slot;
}

export const person = (n: number | string, extra: Record<string, unknown> = {}) => ({
  familyName: `Petrenko`,
  givenNames: `Olena ${String(n).replace(/\d/g, (d) => 'abcdefghij'[Number(d)] ?? '')}`,
  dateOfBirth: '1988-06-01',
  email: `olena${n}@example.org`,
  phone: null,
  language: 'uk',
  interpreterLanguage: null,
  ...extra,
});
