import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT, person, slotAt } from '../../test/support/booking.ts';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';
import { changeCapacity } from './capacity.service.ts';
import { bookAppointment, cancelAppointment, extendSlotWindow } from './service.ts';

// Capacity administration through its forms, as a team lead and an administrator use it:
// a change is previewed (nothing written), saved, reaches the existing future slots without
// touching a booked place, shows in the public availability at once, and is audited.

const NOW = new Date('2027-03-15T09:00:00Z'); // Monday, 10:00 in Musterstadt
let server: TestServer;
let lead: FormClient;
let admin: FormClient;

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  await extendSlotWindow(db(), MUSTERSTADT, NOW);
  lead = new FormClient(server.url);
  await signIn(lead, db(), 'teamleitung', { now: NOW });
  await lead.get('/staff/capacity?lang=en');
  admin = new FormClient(server.url);
  await signIn(admin, db(), 'admin', { now: NOW });
  await admin.get('/staff/capacity?lang=en');
});
afterAll(async () => server?.close());

const db = () => server.database.db;
const deps = () => ({ db: db(), clock: () => NOW, baseUrl: server.url });

async function book(
  officeId: string,
  startsAt: string,
  n: number,
  concern = 'address-registration',
) {
  const slot = await slotAt(db(), concern, officeId, startsAt);
  const result = await bookAppointment(deps(), MUSTERSTADT, {
    slotId: slot.id,
    concernId: concern,
    person: person(n, { email: null, phone: '+49 30 1234567' }),
  });
  if (!result.ok) throw new Error(`booking ${startsAt} failed: ${result.reason}`);
  return result.booking;
}

async function availability(office: string, day: string, concern = 'address-registration') {
  const res = await fetch(
    `${server.url}/api/v1/availability?concern=${concern}&office=${office}&from=${day}&to=${day}`,
  );
  expect(res.status).toBe(200);
  return (await res.json()) as { startsAt: string; remaining: number }[];
}

const rulesOf = (office: string, concern: string) =>
  db()
    .selectFrom('capacity_rule')
    .where('office_id', '=', office)
    .where('concern_id', '=', concern)
    .select(['weekday', 'starts', 'ends', 'desks'])
    .orderBy('weekday')
    .orderBy('starts')
    .execute();

const slotCount = async (office: string, concern: string) =>
  Number(
    (
      await db()
        .selectFrom('slot')
        .where('office_id', '=', office)
        .where('concern_id', '=', concern)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The rules form as a browser sends it: rows of weekday, from, to, desks. */
function rulesForm(office: string, concern: string, rows: [number, string, string, number][]) {
  const form: Record<string, string> = { office, concern, rows: String(rows.length) };
  rows.forEach(([weekday, starts, ends, desks], i) => {
    form[`weekday_${i}`] = String(weekday);
    form[`starts_${i}`] = starts;
    form[`ends_${i}`] = ends;
    form[`desks_${i}`] = String(desks);
  });
  return form;
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('capacity rules', () => {
  it('previews a change without writing it, then saves it into the existing slots', async () => {
    const kept = await book('north', '2027-03-24T07:00:00Z', 1); // Wednesday 08:00
    const before = await rulesOf('north', 'address-registration');
    const slotsBefore = await slotCount('north', 'address-registration');
    // Monday stays, Wednesday from 09:00 with two desks, Friday and Wednesday afternoon go,
    // Saturday morning is new.
    const form = rulesForm('north', 'address-registration', [
      [1, '08:00', '12:00', 1],
      [3, '09:00', '12:00', 2],
      [6, '09:00', '11:00', 1],
    ]);
    const page = await lead.get('/staff/capacity?office=north&concern=address-registration');
    expect(page.status).toBe(403); // the team lead of central does not reach north
    const refused = await lead.post('/staff/capacity/rules', { ...form, intent: 'save' });
    expect(refused.status).toBe(403);
    expect(await rulesOf('north', 'address-registration')).toEqual(before);

    const preview = await admin.post('/staff/capacity/rules', { ...form, intent: 'preview' });
    expect(preview.status).toBe(200);
    const previewText = text(preview.html);
    expect(previewText).toContain('Effect of this change (not saved yet)');
    expect(previewText).toMatch(/1 booked place unaffected/);
    // The week's first affected day, not a week that starts on any weekday.
    expect(previewText).toMatch(/Week 11 of 2027 \(first day affected: \w+day, /);
    expect(previewText).toContain("Capacity – Citizens' Office North");
    // Nothing written: the same rules, the same slots.
    expect(await rulesOf('north', 'address-registration')).toEqual(before);
    expect(await slotCount('north', 'address-registration')).toBe(slotsBefore);
    const summary = /Adds \d+ places; removes \d+ free places; 1 booked place unaffected\./.exec(
      previewText,
    )?.[0];
    expect(summary).toBeDefined();

    const saved = await admin.post('/staff/capacity/rules', { ...form, intent: 'save' });
    expect(saved.status).toBe(303);
    expect(saved.location).toMatch(/saved=rules/);
    expect(saved.location).toMatch(/kept=1/);
    const after = await admin.get(saved.location!);
    // The save did what the preview said.
    expect(text(after.html)).toContain(summary);
    expect(await rulesOf('north', 'address-registration')).toHaveLength(3);

    // The public availability shows the new times at once.
    const wednesday = await availability('north', '2027-03-24');
    expect(wednesday[0]).toMatchObject({ startsAt: '2027-03-24T08:00:00.000Z', remaining: 2 });
    expect(wednesday).toHaveLength(12); // 09:00–12:00 every 15 minutes; afternoon gone
    const saturday = await availability('north', '2027-03-27');
    expect(saturday.map((s) => s.startsAt.slice(11, 16))).toEqual([
      '08:00',
      '08:15',
      '08:30',
      '08:45',
      '09:00',
      '09:15',
      '09:30',
      '09:45',
    ]);
    expect(await availability('north', '2027-03-26')).toEqual([]); // Friday

    // The booked place is untouched: its slot keeps exactly its booking.
    const bookedSlot = await slotAt(db(), 'address-registration', 'north', '2027-03-24T07:00:00Z');
    expect(bookedSlot).toMatchObject({ id: kept.slotId, capacity: 1, booked: 1 });
    const booking = await db()
      .selectFrom('booking')
      .where('id', '=', kept.id)
      .select(['status', 'slot_id'])
      .executeTakeFirstOrThrow();
    expect(booking).toEqual({ status: 'active', slot_id: kept.slotId });
    // Slots nobody ever booked are gone, not left empty.
    const empty = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM slot
      WHERE office_id = 'north' AND concern_id = 'address-registration' AND capacity = 0`.execute(
      db(),
    );
    expect(empty.rows[0]?.n).toBe(0);

    const audit = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'change')
      .where('subject_type', '=', 'capacity-rules')
      .select(['subject_id', 'actor_name', 'details', 'purpose'])
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      subject_id: 'north/address-registration',
      actor_name: 'admin',
      purpose: 'capacity administration',
    });
    const details = audit[0]?.details as { before: unknown[]; after: unknown[]; effect: object };
    expect(details.before).toHaveLength(before.length);
    expect(details.after).toHaveLength(3);
    expect(details.effect).toMatchObject({ bookedUnaffected: 1 });
  });

  it('lowers desks to the new number but never below what is booked', async () => {
    // Central, Thursday 2027-03-18 08:00: two desks, both booked.
    await book('central', '2027-03-18T07:00:00Z', 21);
    await book('central', '2027-03-18T07:00:00Z', 22);
    const form = rulesForm('central', 'address-registration', [
      [1, '08:00', '12:00', 1],
      [2, '08:00', '12:00', 1],
      [3, '08:00', '12:00', 1],
      [4, '08:00', '12:00', 1],
      [5, '08:00', '12:00', 1],
      [2, '14:00', '18:00', 2],
      [4, '14:00', '18:00', 2],
    ]);
    const preview = await lead.post('/staff/capacity/rules', { ...form, intent: 'preview' });
    expect(preview.status).toBe(200);
    expect(text(preview.html)).toMatch(/1 booked appointment lies outside the new rules/);
    const saved = await lead.post('/staff/capacity/rules', { ...form, intent: 'save' });
    expect(saved.status).toBe(303);
    const full = await slotAt(db(), 'address-registration', 'central', '2027-03-18T07:00:00Z');
    expect(full).toMatchObject({ capacity: 2, booked: 2 });
    const next = await slotAt(db(), 'address-registration', 'central', '2027-03-18T07:15:00Z');
    expect(next).toMatchObject({ capacity: 1, booked: 0 });
    const afternoon = await slotAt(db(), 'address-registration', 'central', '2027-03-18T13:00:00Z');
    expect(afternoon.capacity).toBe(2);
  });

  it('shows a message next to each wrong field and writes nothing', async () => {
    const before = await rulesOf('central', 'work-permit');
    const slotsBefore = await slotCount('central', 'work-permit');
    const form = {
      ...rulesForm('central', 'work-permit', [
        [1, '12:00', '08:00', 3],
        [2, '08:00', '12:00', 0],
        [3, '8 Uhr', '12:00', 3],
        [4, '08:00', '12:00', 3],
        [4, '11:00', '13:00', 3],
        [5, '08:00', '08:15', 3],
      ]),
      weekday_6: '9',
      starts_6: '08:00',
      ends_6: '09:00',
      desks_6: '1',
      rows: '7',
      intent: 'save',
    };
    const res = await lead.post('/staff/capacity/rules', form);
    expect(res.status).toBe(400);
    const page = text(res.html);
    expect(page).toContain('The end must be later than the start.');
    expect(page).toContain('Enter the number of desks, from 1 to 100.');
    expect(page).toContain('Enter a time such as 08:00.');
    expect(page).toContain('overlaps another rule of the same weekday');
    expect(page).toContain('Choose a weekday.');
    expect(res.html).toContain('href="#ends_0"');
    expect(res.html).toMatch(
      /id="desks_1"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="desks_1"/,
    );
    // The form keeps what was typed.
    expect(res.html).toContain('value="8 Uhr"');
    expect(await rulesOf('central', 'work-permit')).toEqual(before);
    expect(await slotCount('central', 'work-permit')).toBe(slotsBefore);

    // Shorter than one appointment (work permits take 30 minutes).
    const short = await lead.post('/staff/capacity/rules', {
      ...rulesForm('central', 'work-permit', [[5, '08:00', '08:15', 3]]),
      intent: 'save',
    });
    expect(short.status).toBe(400);
    expect(text(short.html)).toContain('shorter than one appointment');
    // A concern the office does not offer; rubbish instead of a form.
    const other = await lead.post('/staff/capacity/rules', {
      ...rulesForm('central', 'no-such-concern', [[1, '08:00', '12:00', 1]]),
      intent: 'save',
    });
    expect(other.status).toBe(400);
    const rubbish = await lead.post('/staff/capacity/rules', { office: 'central', rows: 'many' });
    expect(rubbish.status).toBe(400);
    const stranger = await lead.post('/staff/capacity/rules', { office: '../x', rows: 'many' });
    expect(stranger.status).toBe(403); // no office of theirs
    expect(await rulesOf('central', 'work-permit')).toEqual(before);
  });
});

describe('a change without effect', () => {
  it('says so, and does not count the window the hourly job has yet to fill', async () => {
    const current = await rulesOf('south', 'newcomer-advice');
    const form = rulesForm(
      'south',
      'newcomer-advice',
      current.map((r) => [r.weekday, r.starts.slice(0, 5), r.ends.slice(0, 5), r.desks]),
    );
    const preview = await admin.post('/staff/capacity/rules', { ...form, intent: 'preview' });
    expect(text(preview.html)).toContain(
      'This change does not change any future appointment time.',
    );
    // A week later, before the job has run: still nothing (the job adds the new days).
    const later = await changeCapacity(
      { db: db(), clock: () => new Date(NOW.getTime() + 7 * 86_400_000) },
      MUSTERSTADT,
      { offices: { all: true }, policies: true },
      'en',
      { name: 'rules', values: { ...form, intent: 'preview' } },
      async () => undefined,
    );
    expect(later.saved === false && later.form.effect?.weeks).toEqual([]);
  });
});

describe('closures', () => {
  it('closes an office on a day (booked places stay) and opens it again', async () => {
    // Tuesday 08:00, three desks for work permits: two booked.
    const booked = await book('central', '2027-03-23T07:00:00Z', 31, 'work-permit');
    const cancelled = await book('central', '2027-03-23T07:00:00Z', 32, 'work-permit');
    const closure = {
      change: 'close',
      office: 'central',
      concern: 'address-registration',
      day: '2027-03-23',
      reason: 'Personalversammlung',
    };
    const preview = await lead.post('/staff/capacity/closures', { ...closure, intent: 'preview' });
    expect(preview.status).toBe(200);
    // Only the Tuesday's bookings count, not earlier ones the change leaves alone.
    expect(text(preview.html)).toContain('; 2 booked places unaffected.');
    expect(await availability('central', '2027-03-23')).not.toEqual([]);

    const saved = await lead.post('/staff/capacity/closures', { ...closure, intent: 'save' });
    expect(saved.status).toBe(303);
    expect(await availability('central', '2027-03-23')).toEqual([]);
    expect(await availability('central', '2027-03-23', 'work-permit')).toEqual([]);
    expect(await slotAt(db(), 'work-permit', 'central', '2027-03-23T07:00:00Z')).toMatchObject({
      id: booked.slotId,
      capacity: 2,
      booked: 2,
    });
    // A cancellation on the closed day frees no place that could be booked again.
    expect(await cancelAppointment(deps(), MUSTERSTADT, cancelled.id)).toBe(true);
    expect(await slotAt(db(), 'work-permit', 'central', '2027-03-23T07:00:00Z')).toMatchObject({
      capacity: 1,
      booked: 1,
    });
    expect(await availability('central', '2027-03-23', 'work-permit')).toEqual([]);
    const page = await lead.get(saved.location!);
    expect(text(page.html)).toContain('Personalversammlung');

    const again = await lead.post('/staff/capacity/closures', { ...closure, intent: 'save' });
    expect(again.status).toBe(400);
    expect(text(again.html)).toContain('already closed on this day');
    const past = await lead.post('/staff/capacity/closures', {
      ...closure,
      day: '2027-03-01',
      intent: 'save',
    });
    expect(past.status).toBe(400);
    expect(text(past.html)).toContain('from today up to two years ahead');
    const noReason = await lead.post('/staff/capacity/closures', {
      ...closure,
      day: '2027-03-30',
      reason: ' ',
      intent: 'save',
    });
    expect(noReason.status).toBe(400);
    expect(text(noReason.html)).toContain('Enter the reason for the closure.');
    const north = await lead.post('/staff/capacity/closures', {
      ...closure,
      office: 'north',
      intent: 'save',
    });
    expect(north.status).toBe(403);

    const reopened = await lead.post('/staff/capacity/closures', {
      change: 'reopen',
      office: 'central',
      day: '2027-03-23',
      intent: 'save',
    });
    expect(reopened.status).toBe(303);
    expect((await availability('central', '2027-03-23')).length).toBeGreaterThan(0);
    // The booked slot has its free places back.
    const slots = await availability('central', '2027-03-23', 'work-permit');
    expect(slots[0]).toMatchObject({ startsAt: '2027-03-23T07:00:00.000Z', remaining: 2 });
    const trail = await db()
      .selectFrom('audit_event')
      .where('subject_type', '=', 'closure')
      .select(['subject_id', 'details'])
      .orderBy('seq')
      .execute();
    expect(trail.map((e) => e.subject_id)).toEqual(['central/2027-03-23', 'central/2027-03-23']);
  });
});

describe('release policies', () => {
  it('only administrators change them; the new slot length reaches the future slots', async () => {
    const booked = await book('south', '2027-03-25T07:15:00Z', 41); // Thursday 08:15
    const policy = {
      office: 'south',
      concern: 'address-registration',
      slotMinutes: '20',
      releaseMode: 'rolling',
      weeksAhead: '6',
    };
    const refused = await lead.post('/staff/capacity/policy', { ...policy, intent: 'save' });
    expect(refused.status).toBe(403);
    const bad = await admin.post('/staff/capacity/policy', {
      ...policy,
      slotMinutes: '500',
      releaseMode: 'weekly',
      releaseTime: '25:00',
      intent: 'save',
    });
    expect(bad.status).toBe(400);
    expect(text(bad.html)).toContain('Enter the length in minutes, from 5 to 240.');
    expect(text(bad.html)).toContain('Enter a time such as 08:00.');

    const saved = await admin.post('/staff/capacity/policy', { ...policy, intent: 'save' });
    expect(saved.status).toBe(303);
    const times = (await availability('south', '2027-03-25')).map((s) => s.startsAt.slice(11, 16));
    expect(times.slice(0, 4)).toEqual(['07:00', '07:20', '07:40', '08:00']);
    expect(times).not.toContain('07:15');
    const kept = await slotAt(db(), 'address-registration', 'south', '2027-03-25T07:15:00Z');
    expect(kept).toMatchObject({ id: booked.slotId, capacity: 1, booked: 1 });
    const entry = await db()
      .selectFrom('audit_event')
      .where('subject_type', '=', 'booking-policy')
      .select(['subject_id', 'actor_name'])
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({ subject_id: 'address-registration', actor_name: 'admin' });
  });
});
