import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT, person } from '../../test/support/booking.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createDb, type Db } from '../platform/db/database.ts';
import { bookFreePlace, type BookOutcome } from './bookings.repository.ts';
import { changeCapacity, type AuditChange, type CapacityAccess } from './capacity.service.ts';
import { newBookingCode, personKey } from './people.ts';
import {
  bookAppointment,
  cancelAppointment,
  extendSlotWindow,
  type BookResult,
} from './service.ts';

// Bookings and cancellations racing capacity changes of the same slots, on a pool large
// enough for them to really overlap: no slot ever ends with more booked than its capacity,
// every acknowledged booking is there on the slot it was given, every slot's `booked` is its
// active bookings, and the capacities are exactly what the rules and the bookings make them.

const NOW = new Date('2027-03-20T10:00:00Z'); // Saturday
const DAY = '2027-03-23'; // Tuesday: 08:00–12:00 and 14:00–18:00 at central, 15 minutes
const CONCERN = 'address-registration';
let database: TestDatabase;
let pool: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  await extendSlotWindow(database.db, MUSTERSTADT, NOW);
  pool = createDb(database.url, 40);
});
afterAll(async () => {
  await pool?.destroy();
  await database?.drop();
});

const deps = () => ({ db: pool, clock: () => NOW, baseUrl: 'http://localhost' });
const everything: CapacityAccess = { offices: { all: true }, policies: true };
const noAudit = async () => undefined;

/** The central office's rules for the concern: mornings (and Tue/Thu afternoons) with `desks`. */
function rules(desks: number, afternoons: boolean): Record<string, string> {
  const rows: [number, string, string][] = [1, 2, 3, 4, 5].map((d) => [d, '08:00', '12:00']);
  if (afternoons) rows.push([2, '14:00', '18:00'], [4, '14:00', '18:00']);
  const form: Record<string, string> = {
    office: 'central',
    concern: CONCERN,
    rows: String(rows.length),
    intent: 'save',
  };
  rows.forEach(([weekday, starts, ends], i) => {
    Object.assign(form, {
      [`weekday_${i}`]: String(weekday),
      [`starts_${i}`]: starts,
      [`ends_${i}`]: ends,
      [`desks_${i}`]: String(desks),
    });
  });
  return form;
}

const saveRules = (desks: number, afternoons: boolean, audit: AuditChange = noAudit) =>
  changeCapacity(
    deps(),
    MUSTERSTADT,
    everything,
    'de',
    { name: 'rules', values: rules(desks, afternoons) },
    audit,
  );

async function slotId(local: string) {
  const result = await sql<{ id: string }>`
    SELECT id FROM slot WHERE office_id = 'central' AND concern_id = ${CONCERN}
      AND starts_at = (${local}::timestamp AT TIME ZONE 'Europe/Berlin')`.execute(database.db);
  const id = result.rows[0]?.id;
  if (!id) throw new Error(`no slot at ${local}`);
  return id;
}

async function slotState(id: string) {
  return database.db
    .selectFrom('slot')
    .where('id', '=', id)
    .select(['capacity', 'booked'])
    .executeTakeFirst();
}

let people = 10_000;
const newPerson = () => {
  const details = person((people += 1), { email: null, phone: '+49 30 1234567' });
  return {
    ...details,
    code: newBookingCode(),
    personKey: personKey(details.familyName, details.givenNames),
  };
};

/** The booking statement inside a transaction that commits only when told to. */
async function bookingHeldOpen(id: string) {
  let commit!: () => void;
  const gate = new Promise<void>((resolve) => (commit = resolve));
  let taken!: (outcome: BookOutcome) => void;
  const outcome = new Promise<BookOutcome>((resolve) => (taken = resolve));
  const done = pool.transaction().execute(async (tx) => {
    const result = await bookFreePlace(
      tx,
      'musterstadt',
      { slotId: id, concernId: CONCERN },
      newPerson(),
      NOW,
      { factsIn: undefined, alternatives: 0 },
    );
    taken(result);
    await gate;
    return result;
  });
  return { outcome: await outcome, commit: async () => (commit(), done) };
}

/** Whether a promise is still pending after a while (it waits for a lock). */
async function stillWaiting(promise: Promise<unknown>, ms = 150) {
  const marker = Symbol('waiting');
  return (await Promise.race([promise, sleep(ms).then(() => marker)])) === marker;
}

type SlotRow = { id: string; local: string; capacity: number; booked: number; active: number };

async function slotsOfDay(): Promise<SlotRow[]> {
  const result = await sql<SlotRow>`
    SELECT s.id, to_char(s.starts_at AT TIME ZONE 'Europe/Berlin', 'HH24:MI') AS local,
           s.capacity, s.booked,
           (SELECT count(*) FROM booking b WHERE b.slot_id = s.id AND b.status = 'active')::int
             AS active
    FROM slot s
    WHERE s.office_id = 'central' AND s.concern_id = ${CONCERN}
      AND (s.starts_at AT TIME ZONE 'Europe/Berlin')::date = ${DAY}::date
    ORDER BY s.starts_at`.execute(database.db);
  return result.rows;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bookings racing capacity changes', () => {
  it('a booking in flight when a reduction starts is kept, with its place', async () => {
    // Thursday: 08:00 has one booking and a second one in flight; 14:00 one in flight.
    const morning = await slotId('2027-03-25 08:00');
    const afternoon = await slotId('2027-03-25 14:00');
    const first = await bookAppointment(deps(), MUSTERSTADT, {
      slotId: morning,
      concernId: CONCERN,
      person: newPerson(),
    });
    expect(first.ok).toBe(true);
    const second = await bookingHeldOpen(morning);
    const third = await bookingHeldOpen(afternoon);
    expect(second.outcome.booking).toBeDefined();
    expect(third.outcome.booking).toBeDefined();

    // One desk, no afternoons: the change waits for the bookings in flight...
    const change = saveRules(1, false);
    expect(await stillWaiting(change)).toBe(true);
    await second.commit();
    await third.commit();
    expect((await change).saved).toBe(true);
    // ...and then keeps every booked place.
    expect(await slotState(morning)).toEqual({ capacity: 2, booked: 2 });
    expect(await slotState(afternoon)).toEqual({ capacity: 1, booked: 1 });
    expect(await slotState(await slotId('2027-03-25 08:15'))).toEqual({ capacity: 1, booked: 0 });
  });

  it('a booking arriving while a reduction is saved waits and meets the new capacity', async () => {
    const nine = await slotId('2027-03-25 09:00'); // one desk, free
    // Three desks again; the change pauses inside its transaction (at its audit entry).
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let reached!: () => void;
    const inside = new Promise<void>((resolve) => (reached = resolve));
    const change = saveRules(3, true, async () => {
      reached();
      await paused;
    });
    await inside;
    const booking = bookAppointment(deps(), MUSTERSTADT, {
      slotId: nine,
      concernId: CONCERN,
      person: newPerson(),
    });
    expect(await stillWaiting(booking)).toBe(true);
    resume();
    expect((await change).saved).toBe(true);
    expect((await booking).ok).toBe(true);
    expect(await slotState(nine)).toEqual({ capacity: 3, booked: 1 });

    // Down to one desk: a booking that waits for the change finds the slot full.
    let resume2!: () => void;
    const paused2 = new Promise<void>((resolve) => (resume2 = resolve));
    let reached2!: () => void;
    const inside2 = new Promise<void>((resolve) => (reached2 = resolve));
    const reduction = saveRules(1, true, async () => {
      reached2();
      await paused2;
    });
    await inside2;
    const late = bookAppointment(deps(), MUSTERSTADT, {
      slotId: nine,
      concernId: CONCERN,
      person: newPerson(),
    });
    expect(await stillWaiting(late)).toBe(true);
    resume2();
    expect((await reduction).saved).toBe(true);
    expect(await late).toMatchObject({ ok: false, reason: 'taken' });
    expect(await slotState(nine)).toEqual({ capacity: 1, booked: 1 });
  });

  it('many bookings and cancellations racing changes: never overbooked, none lost', async () => {
    const acknowledged: { id: string; slotId: string }[] = [];
    let person_ = 0;
    // (The two tests above leave bookings of their own on Thursday.)
    const before = await database.db
      .selectFrom('booking')
      .where('status', '=', 'active')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    // Down to one desk without afternoons, up to three with them, and down again...
    const rounds: [number, boolean][] = [
      [1, false],
      [3, true],
      [1, true],
      [2, false],
      [1, false],
      [3, true],
    ];
    for (const [desks, afternoons] of rounds) {
      const slots = await slotsOfDay();
      const bookings = Array.from({ length: 40 }, async (_, i) => {
        await sleep(i % 8);
        const slot = slots[(i * 7 + person_) % slots.length];
        if (!slot) return;
        const n = (person_ += 1);
        const result: BookResult = await bookAppointment(deps(), MUSTERSTADT, {
          slotId: slot.id,
          concernId: CONCERN,
          person: person(n, { email: null, phone: '+49 30 1234567' }),
        });
        if (result.ok) acknowledged.push({ id: result.booking.id, slotId: result.booking.slotId });
      });
      // Some people cancel meanwhile, freeing places in slots being changed.
      const cancellations = acknowledged.slice(-6).map(async (booking, i) => {
        await sleep(2 + i);
        if (await cancelAppointment(deps(), MUSTERSTADT, booking.id)) {
          acknowledged.splice(acknowledged.indexOf(booking), 1);
        }
      });
      const change = (async () => {
        await sleep(3);
        expect((await saveRules(desks, afternoons)).saved).toBe(true);
      })();
      await Promise.all([...bookings, ...cancellations, change]);

      const after = await slotsOfDay();
      for (const slot of after) {
        expect(slot.booked, `${slot.local}`).toBeLessThanOrEqual(slot.capacity);
        expect(slot.booked, `${slot.local}`).toBe(slot.active);
        const covered = slot.local < '12:00' || (afternoons && slot.local >= '14:00');
        // Exactly what the rules and the bookings make it: desks, or more while booked.
        expect(slot.capacity, `${slot.local}`).toBe(
          covered ? Math.max(slot.booked, desks) : slot.booked,
        );
      }
      // Every acknowledged booking is active on the slot it was given.
      const stored = await database.db
        .selectFrom('booking')
        .where('status', '=', 'active')
        .select(['id', 'slot_id'])
        .execute();
      const byId = new Map(stored.map((b) => [b.id, b.slot_id]));
      for (const booking of acknowledged) expect(byId.get(booking.id)).toBe(booking.slotId);
      expect(stored.length).toBe(acknowledged.length + Number(before.n));
    }
    expect(acknowledged.length).toBeGreaterThan(40);
  });
});
