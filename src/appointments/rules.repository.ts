import type { Db } from '../platform/db/database.ts';

// The booking rules as data: per concern a release policy, per office and concern the
// desks by weekday and hour, and the public holidays of the Land.

export type Policy = {
  concernId: string;
  slotMinutes: number;
  releaseMode: 'rolling' | 'weekly';
  releaseWeeksAhead: number;
  releaseWeekday: number | null;
  releaseTime: string | null;
};

export type CapacityRule = {
  officeId: string;
  concernId: string;
  weekday: number;
  starts: string;
  ends: string;
  desks: number;
};

export async function upsertPolicy(db: Db, authorityId: string, policy: Policy) {
  const values = {
    slot_minutes: policy.slotMinutes,
    release_mode: policy.releaseMode,
    release_weeks_ahead: policy.releaseWeeksAhead,
    release_weekday: policy.releaseWeekday,
    release_time: policy.releaseTime,
  };
  await db
    .insertInto('booking_policy')
    .values({ authority_id: authorityId, concern_id: policy.concernId, ...values })
    .onConflict((oc) => oc.columns(['authority_id', 'concern_id']).doUpdateSet(values))
    .execute();
}

export async function findPolicy(
  db: Db,
  authorityId: string,
  concernId: string,
): Promise<Policy | undefined> {
  return db
    .selectFrom('booking_policy')
    .where('authority_id', '=', authorityId)
    .where('concern_id', '=', concernId)
    .select([
      'concern_id as concernId',
      'slot_minutes as slotMinutes',
      'release_mode as releaseMode',
      'release_weeks_ahead as releaseWeeksAhead',
      'release_weekday as releaseWeekday',
      'release_time as releaseTime',
    ])
    .executeTakeFirst();
}

export async function replaceCapacityRules(db: Db, authorityId: string, rules: CapacityRule[]) {
  await db.deleteFrom('capacity_rule').where('authority_id', '=', authorityId).execute();
  if (rules.length === 0) return;
  await db
    .insertInto('capacity_rule')
    .values(
      rules.map((r) => ({
        authority_id: authorityId,
        office_id: r.officeId,
        concern_id: r.concernId,
        weekday: r.weekday,
        starts: r.starts,
        ends: r.ends,
        desks: r.desks,
      })),
    )
    .execute();
}

export async function upsertHolidays(
  db: Db,
  land: string,
  holidays: { day: string; name: string }[],
) {
  if (holidays.length === 0) return;
  await db
    .insertInto('public_holiday')
    .values(holidays.map((h) => ({ land, day: h.day, name: h.name })))
    .onConflict((oc) =>
      oc.columns(['land', 'day']).doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })),
    )
    .execute();
}
