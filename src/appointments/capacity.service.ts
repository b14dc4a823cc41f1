import { listConcernsIn } from '../concerns/index.ts';
import { listConcernIdsOfferedAt, listOfficesIn } from '../offices/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { isSerializationFailure } from '../platform/db/errors.ts';
import { AppError } from '../platform/http/errors.ts';
import { reachesOffice, type OfficeAccess } from '../platform/policy/policy.ts';
import { localDay } from '../platform/ui/format.ts';
import {
  deleteClosure,
  insertClosure,
  listClosuresFrom,
  listRulesOf,
  lockFutureSlots,
  reconcileFutureSlots,
  replaceRulesOf,
  type Closure,
  type ReconcileResult,
  type RuleRow,
  type WeekEffect,
} from './capacity.repository.ts';
import { findPolicy, upsertPolicy, type Policy } from './rules.repository.ts';
import { slotWindow } from './slot-window.ts';
import { lockSlotPlanning, type SlotScope } from './slots.repository.ts';
import {
  parseClosureForm,
  parsePolicyForm,
  parseReopenForm,
  parseRulesForm,
  type CapacityQuery,
  type FormErrors,
  type FormValues,
  type Intent,
} from './staff-schema.ts';

// Capacity administration (issue 7): the rules of an office × concern, the closures of an
// office, the release policy of a concern. A change reaches the future slots at once,
// without touching a booked place, and can be previewed first: the preview runs the very
// same transaction and rolls it back, so what it shows is what saving would do (decision:
// the same code path rather than a second, read-only calculation that could drift from it).

export type CapacityDeps = { db: Db; clock: Clock };
export type PlanningAuthority = { id: string; land: string; timeZone: string };

/** Records an administrative change (the guard's `auditChange`, bound to the request). */
export type AuditChange = (
  db: Db,
  subject: { type: string; id: string },
  details: Record<string, unknown>,
  fields?: string[],
) => Promise<void>;

export type EffectTotals = Omit<WeekEffect, 'week' | 'firstDay'>;
export type SlotEffect = ReconcileResult & { totals: EffectTotals };

/** Closures may be planned this far ahead. */
const CLOSURE_DAYS_AHEAD = 730;

export type CapacityPage = {
  today: string;
  offices: { id: string; name: string }[];
  officeId: string | undefined;
  concerns: { id: string; title: string }[];
  concernId: string | undefined;
  rules: RuleRow[];
  closures: Closure[];
  policy: Policy | undefined;
  /** A release policy holds for every office: only those who reach all offices change it. */
  mayChangePolicy: boolean;
};

/** What the signed-in member may reach: offices (capacity.manage), release policies. */
export type CapacityAccess = { offices: OfficeAccess; policies: boolean };

export type CapacityFormName = 'rules' | 'closure' | 'reopen' | 'policy';

/** A form shown again: as sent, with its messages, or with the preview of its effect. */
export type CapacityForm = {
  name: CapacityFormName;
  values: FormValues;
  errors: FormErrors;
  effect?: SlotEffect;
};

/** The page of one office (and concern): what the staff member may see and change. */
export async function loadCapacityPage(
  deps: CapacityDeps,
  authority: PlanningAuthority,
  access: CapacityAccess,
  lang: string,
  query: Pick<CapacityQuery, 'office' | 'concern'>,
): Promise<CapacityPage> {
  const { db } = deps;
  const today = localDay(deps.clock(), authority.timeZone);
  if (query.office && !reachesOffice(access.offices, query.office)) {
    throw new AppError('FORBIDDEN');
  }
  const offices = (await listOfficesIn(db, authority.id, lang))
    .filter((office) => reachesOffice(access.offices, office.id))
    .map((office) => ({ id: office.id, name: office.texts.name?.text ?? office.id }));
  const office = offices.find((o) => o.id === query.office) ?? offices[0];
  const empty = { rules: [], closures: [], policy: undefined };
  const page = { today, offices, mayChangePolicy: access.policies };
  if (!office)
    return { ...page, officeId: undefined, concerns: [], concernId: undefined, ...empty };
  const [offered, all, closures] = await Promise.all([
    listConcernIdsOfferedAt(db, authority.id, office.id),
    listConcernsIn(db, authority.id, lang),
    listClosuresFrom(db, authority.id, office.id, today),
  ]);
  const concerns = all
    .filter((c) => offered.includes(c.id))
    .map((c) => ({ id: c.id, title: c.texts.title?.text ?? c.id }));
  const concern = concerns.find((c) => c.id === query.concern) ?? concerns[0];
  const [rules, policy] = concern
    ? await Promise.all([
        listRulesOf(db, authority.id, office.id, concern.id),
        findPolicy(db, authority.id, concern.id),
      ])
    : [[], undefined];
  return {
    ...page,
    officeId: office.id,
    concerns,
    concernId: concern?.id,
    rules,
    closures,
    policy,
  };
}

export type ChangeOutcome =
  | {
      saved: true;
      form: CapacityFormName;
      officeId: string | undefined;
      concernId: string | undefined;
      totals: EffectTotals;
    }
  | { saved: false; page: CapacityPage; form: CapacityForm; status: 200 | 400 };

/**
 * Previews or saves one change of a capacity form: validated (nothing written on bad input),
 * within the principal's offices, applied with the future slots in one transaction, audited
 * in that same transaction when saved.
 */
export async function changeCapacity(
  deps: CapacityDeps,
  authority: PlanningAuthority,
  access: CapacityAccess,
  lang: string,
  form: { name: CapacityFormName; values: FormValues },
  audit: AuditChange,
): Promise<ChangeOutcome> {
  const attempt = await attemptChange(deps, authority, access, form, audit);
  if ('saved' in attempt) {
    return {
      saved: true,
      form: form.name,
      officeId: attempt.officeId,
      concernId: attempt.concernId,
      totals: attempt.saved.totals,
    };
  }
  const values = form.values;
  const page = await loadCapacityPage(deps, authority, access, lang, {
    office: values.office,
    concern: values.concern,
  });
  const shown: CapacityForm =
    'errors' in attempt
      ? { name: form.name, values, errors: attempt.errors }
      : { name: form.name, values, errors: {}, effect: attempt.preview };
  return { saved: false, page, form: shown, status: 'errors' in attempt ? 400 : 200 };
}

type Attempt =
  | { errors: FormErrors }
  | { preview: SlotEffect }
  | { saved: SlotEffect; officeId: string | undefined; concernId: string | undefined };

/** A change as the transaction applies it: the statements, what the slots must follow. */
type PlannedChange = {
  intent: Intent;
  officeId: string | undefined;
  concernId: string | undefined;
  scope: SlotScope;
  /** Writes the change; a refusal found only now (already closed) rolls everything back. */
  apply: (tx: Db) => Promise<{ errors: FormErrors } | { audit: AuditRecord }>;
};
type AuditRecord = { subject: { type: string; id: string }; details: Record<string, unknown> };

async function attemptChange(
  deps: CapacityDeps,
  authority: PlanningAuthority,
  access: CapacityAccess,
  form: { name: CapacityFormName; values: FormValues },
  audit: AuditChange,
): Promise<Attempt> {
  const planned = await planChange(deps, authority, access, form);
  if ('errors' in planned) return planned;
  type Result = { errors: FormErrors } | { preview: SlotEffect } | { saved: SlotEffect };
  const now = deps.clock();
  const window = slotWindow(now);
  const outcome = await inPlanningTransaction<Result>(deps.db, authority.id, async (tx) => {
    const before = await lockFutureSlots(tx, authority, planned.scope, window, now);
    const applied = await planned.apply(tx);
    if ('errors' in applied) return { rollback: true, result: applied };
    const reconciled = await reconcileFutureSlots(
      tx,
      authority,
      planned.scope,
      window,
      before,
      now,
    );
    const effect = withTotals(reconciled);
    if (planned.intent === 'preview') return { rollback: true, result: { preview: effect } };
    await audit(tx, applied.audit.subject, {
      ...applied.audit.details,
      effect: {
        ...effect.totals,
        addedSlots: effect.addedSlots,
        removedSlots: effect.removedSlots,
      },
    });
    return { rollback: false, result: { saved: effect } };
  });
  if ('saved' in outcome) {
    return { saved: outcome.saved, officeId: planned.officeId, concernId: planned.concernId };
  }
  return outcome;
}

/** Validates a form against the schema and the data, and says what saving it means. */
async function planChange(
  deps: CapacityDeps,
  authority: PlanningAuthority,
  access: CapacityAccess,
  form: { name: CapacityFormName; values: FormValues },
): Promise<{ errors: FormErrors } | PlannedChange> {
  const { db } = deps;
  const today = localDay(deps.clock(), authority.timeZone);
  const refuse = (errors: FormErrors) => ({ errors });
  const officeIn = (officeId: string) => {
    if (!reachesOffice(access.offices, officeId)) throw new AppError('FORBIDDEN');
  };
  switch (form.name) {
    case 'rules': {
      const parsed = parseRulesForm(form.values);
      if (!parsed.ok) return refuse(parsed.errors);
      const { officeId, concernId, rules, intent } = parsed.value;
      officeIn(officeId);
      const offered = await listConcernIdsOfferedAt(db, authority.id, officeId);
      if (!offered.includes(concernId)) return refuse({ form: 'capacity.error.notOffered' });
      const policy = await findPolicy(db, authority.id, concernId);
      if (!policy) return refuse({ form: 'capacity.error.noPolicy' });
      const errors: FormErrors = {};
      for (const rule of rules) {
        if (minutes(rule.ends) - minutes(rule.starts) < policy.slotMinutes)
          errors[`ends_${rule.row}`] = 'capacity.error.tooShort';
      }
      if (Object.keys(errors).length > 0) return refuse(errors);
      const after = rules.map(({ row: _row, ...rule }) => rule);
      return {
        intent,
        officeId,
        concernId,
        scope: { officeId, concernId },
        apply: async (tx) => {
          const before = await listRulesOf(tx, authority.id, officeId, concernId);
          await replaceRulesOf(tx, authority.id, officeId, concernId, after);
          return {
            audit: {
              subject: { type: 'capacity-rules', id: `${officeId}/${concernId}` },
              details: { office: officeId, concern: concernId, before, after },
            },
          };
        },
      };
    }
    case 'closure': {
      const parsed = parseClosureForm(form.values);
      if (!parsed.ok) return refuse(parsed.errors);
      const { office: officeId, concern: concernId, day, reason, intent } = parsed.value;
      officeIn(officeId);
      if (day < today || day > addDays(today, CLOSURE_DAYS_AHEAD))
        return refuse({ day: 'capacity.error.dayRange' });
      return {
        intent,
        officeId,
        concernId,
        scope: { officeId, concernId: null },
        apply: async (tx) => {
          if (!(await insertClosure(tx, authority.id, officeId, { day, reason })))
            return { errors: { day: 'capacity.error.alreadyClosed' } };
          return {
            audit: {
              subject: { type: 'closure', id: `${officeId}/${day}` },
              details: { office: officeId, day, reason, closed: true },
            },
          };
        },
      };
    }
    case 'reopen': {
      const parsed = parseReopenForm(form.values);
      if (!parsed.ok) return refuse(parsed.errors);
      const { office: officeId, concern: concernId, day, intent } = parsed.value;
      officeIn(officeId);
      if (day < today) return refuse({ form: 'capacity.error.pastClosure' });
      return {
        intent,
        officeId,
        concernId,
        scope: { officeId, concernId: null },
        apply: async (tx) => {
          const reason = await deleteClosure(tx, authority.id, officeId, day);
          if (reason === undefined) return { errors: { form: 'capacity.error.notClosed' } };
          return {
            audit: {
              subject: { type: 'closure', id: `${officeId}/${day}` },
              details: { office: officeId, day, reason, closed: false },
            },
          };
        },
      };
    }
    case 'policy': {
      const parsed = parsePolicyForm(form.values);
      if (!parsed.ok) return refuse(parsed.errors);
      const { officeId, concernId, intent, policy } = parsed.value;
      // The policy holds at every office: changing it needs every office.
      if (!access.policies) throw new AppError('FORBIDDEN');
      const concerns = await listConcernsIn(db, authority.id, 'de');
      if (!concerns.some((c) => c.id === concernId)) return refuse({ form: 'capacity.error.form' });
      return {
        intent,
        officeId,
        concernId,
        scope: { officeId: null, concernId },
        apply: async (tx) => {
          const before = await findPolicy(tx, authority.id, concernId);
          await upsertPolicy(tx, authority.id, policy);
          return {
            audit: {
              subject: { type: 'booking-policy', id: concernId },
              details: { concern: concernId, before: before ?? null, after: policy },
            },
          };
        },
      };
    }
  }
}

/** Thrown to roll a transaction back while keeping what it found (previews, refusals). */
class RollBack<T> extends Error {
  constructor(readonly result: T) {
    super('roll back');
  }
}

/**
 * One capacity change: a transaction under the authority's slot-planning lock, rolled back
 * when `work` asks (a preview, a refusal). A deadlock with a move that holds one of the
 * locked slots is retried.
 */
async function inPlanningTransaction<T>(
  db: Db,
  authorityId: string,
  work: (tx: Db) => Promise<{ rollback: boolean; result: T }>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (tx) => {
        await lockSlotPlanning(tx, authorityId);
        const { rollback, result } = await work(tx);
        if (rollback) throw new RollBack(result);
        return result;
      });
    } catch (error) {
      if (error instanceof RollBack) return error.result as T;
      if (attempt >= 5 || !isSerializationFailure(error)) throw error;
    }
  }
}

function withTotals(result: ReconcileResult): SlotEffect {
  const totals: EffectTotals = {
    addedPlaces: 0,
    removedFreePlaces: 0,
    bookedUnaffected: 0,
    bookedBeyondRules: 0,
  };
  for (const week of result.weeks) {
    totals.addedPlaces += week.addedPlaces;
    totals.removedFreePlaces += week.removedFreePlaces;
    totals.bookedUnaffected += week.bookedUnaffected;
    totals.bookedBeyondRules += week.bookedBeyondRules;
  }
  return { ...result, totals };
}

const minutes = (time: string) => {
  const [hours = 0, mins = 0] = time.split(':').map(Number);
  return hours * 60 + mins;
};

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
