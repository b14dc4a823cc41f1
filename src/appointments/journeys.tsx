import { z } from 'zod';
import { getConcern, listConcernsIn } from '../concerns/index.ts';
import { listOfferedConcernIds, listOfficesOffering } from '../offices/index.ts';
import type { FastifyRequest } from 'fastify';
import {
  defineStep,
  journeySession,
  type Answers,
  type Journey,
  type JourneyDeps,
  type Visit,
} from '../platform/journeys/engine.ts';
import { Text } from '../platform/ui/components.tsx';
import { href } from '../platform/ui/context.ts';
import { plausibleDate } from '../platform/validation/dates.ts';
import {
  concernAnswer,
  dayAnswer,
  ID_PATTERN,
  officeAnswer,
  personFormSchema,
  personSchema,
  PERSON_FORM_FIELDS,
  SLOT_ID_PATTERN,
  slotAnswer,
  type Person,
} from './schema.ts';
import {
  bookAppointment,
  describeBooking,
  findBookingById,
  findSlotFor,
  freeSlotsOnDay,
  moveAppointment,
  nextFreeDays,
  type AppointmentDeps,
  type Booking,
} from './service.ts';
import { CheckPage } from './views/check-page.tsx';
import { DetailsPage } from './views/details-page.tsx';
import { MessagePage } from './views/message-pages.tsx';
import { QuestionPage } from './views/question-page.tsx';
import { DayQuestion, TakenPage, TimeQuestion } from './views/slot-questions.tsx';

// Booking and moving an appointment, declared as journeys on the platform's engine. They
// share the day and time questions; only where concern and office come from differs.

export type BookingDeps = AppointmentDeps & JourneyDeps & { bookingRateLimit: number };

// --- the booking this browser is looking at (after booking, or found by code) ----------

const REMEMBERED = 'appointment';
const remembered = z.object({ bookingId: z.string().regex(/^[0-9]{1,18}$/) });

export async function rememberedBooking(
  request: FastifyRequest,
  deps: BookingDeps,
  authorityId: string,
  now: Date,
): Promise<Booking | undefined> {
  const session = await journeySession(request, deps, now);
  const memory = session.read(REMEMBERED, remembered);
  return memory ? findBookingById(deps.db, authorityId, memory.bookingId) : undefined;
}

/** A shared computer forgets the previous person's booking when someone starts anew. */
export async function rememberBooking(
  request: FastifyRequest,
  deps: BookingDeps,
  bookingId: string | undefined,
  now: Date,
) {
  const session = await journeySession(request, deps, now);
  if (bookingId !== undefined) session.rotate(); // a planted cookie must not see the booking
  session.write(REMEMBERED, bookingId === undefined ? undefined : { bookingId });
}

// --- shared questions -------------------------------------------------------------------

type Where = { concernId: string; officeId: string };
type DayAnswers = Answers & { day?: string; slot?: string };

function dayStep<A extends DayAnswers, C>(options: {
  db: BookingDeps['db'];
  path: string;
  requires: readonly (keyof A & string)[];
  where: (visit: Visit<A, C>) => Where;
  otherOffice?: string;
}) {
  return defineStep<A, C, 'day', Awaited<ReturnType<typeof nextFreeDays>>, string>({
    key: 'day',
    path: options.path,
    requires: options.requires,
    clears: ['slot'],
    form: dayAnswer.transform((answer) => answer.day),
    fields: ['day'],
    fallback: 'booking.error.chooseDay',
    load: (visit) => nextFreeDays(options.db, visit.authority, options.where(visit), visit.now),
    render: (visit, { days, policy }, view) => (
      <DayQuestion
        ctx={visit.ctx}
        form={view}
        days={days}
        policy={policy}
        value={view.values.day}
        error={view.errors.day}
        otherOffice={options.otherOffice && href(visit.ctx, options.otherOffice)}
      />
    ),
  });
}

/** Reached by a "change" link, a step shows the slot of the day chosen before. */
function timeStep<A extends DayAnswers, C>(options: {
  db: BookingDeps['db'];
  path: string;
  requires: readonly (keyof A & string)[];
  where: (visit: Visit<A, C>) => Where;
  store: boolean;
  submitLabel?: 'booking.rescheduleConfirm';
  submit?: NonNullable<Parameters<typeof defineStep<A, C, 'slot', unknown, string>>[0]['submit']>;
  routeConfig?: Record<string, unknown>;
}) {
  return defineStep<A, C, 'slot', Awaited<ReturnType<typeof freeSlotsOnDay>>, string>({
    ...(options.store ? { key: 'slot' as const } : {}),
    path: options.path,
    requires: options.requires,
    form: slotAnswer.transform((answer) => answer.slot),
    fields: ['slot'],
    fallback: 'booking.error.chooseTime',
    load: (visit) =>
      freeSlotsOnDay(
        options.db,
        visit.authority,
        { ...options.where(visit), day: visit.answers.day ?? '' },
        visit.now,
      ),
    // Any free slot of the concern at the office: the "just taken" page offers other days.
    check: async (slotId, _load, visit) =>
      (await findSlotFor(options.db, visit.authority.id, slotId, options.where(visit)))
        ? undefined
        : 'booking.error.chooseTime',
    render: (visit, slots, view) => (
      <TimeQuestion
        ctx={visit.ctx}
        form={view}
        slots={slots}
        timeZone={visit.authority.timeZone}
        value={view.values.slot}
        error={view.errors.slot}
        submitLabel={options.submitLabel && visit.ctx.t(options.submitLabel)}
      />
    ),
    ...(options.submit ? { submit: options.submit } : {}),
    ...(options.routeConfig ? { routeConfig: options.routeConfig } : {}),
  });
}

const bookingRateLimit = (deps: BookingDeps) => ({
  rateLimit: { max: deps.bookingRateLimit, timeWindow: '1 minute' },
});

// --- booking ------------------------------------------------------------------------------

const bookingAnswers = z.object({
  concern: z.string().regex(ID_PATTERN).optional(),
  office: z.string().regex(ID_PATTERN).optional(),
  day: plausibleDate().optional(),
  slot: z.string().regex(SLOT_ID_PATTERN).optional(),
  details: personSchema.optional(),
});
type BookingAnswers = {
  concern: string;
  office: string;
  day: string;
  slot: string;
  details: Person;
};
type BookingVisit = Visit<BookingAnswers, true>;

const bookingWhere = (visit: BookingVisit): Where => ({
  concernId: visit.answers.concern ?? '',
  officeId: visit.answers.office ?? '',
});

/** The person as the form shows them: the adapter's way back. */
const personFormValues = (person: Person): Record<string, string> => {
  const [year = '', month = '', day = ''] = person.dateOfBirth.split('-');
  return {
    familyName: person.familyName,
    givenNames: person.givenNames,
    dobDay: String(Number(day)),
    dobMonth: String(Number(month)),
    dobYear: year,
    email: person.email ?? '',
    phone: person.phone ?? '',
    language: person.language,
    interpreter: person.interpreterLanguage ? 'yes' : 'no',
    interpreterLanguage: person.interpreterLanguage ?? '',
  };
};

export function bookingJourney(deps: BookingDeps): Journey<BookingAnswers, true> {
  const { db } = deps;
  const concern = defineStep<
    BookingAnswers,
    true,
    'concern',
    { id: string; title: Parameters<typeof Text>[0]['value'] }[]
  >({
    key: 'concern',
    path: '/book',
    requires: [],
    clears: ['office', 'day', 'slot'],
    form: concernAnswer.transform((answer) => answer.concern),
    fields: ['concern'],
    fallback: 'booking.error.chooseConcern',
    load: async (visit) => {
      const [concerns, offered] = await Promise.all([
        listConcernsIn(db, visit.authority.id, visit.ctx.lang.code),
        listOfferedConcernIds(db, visit.authority.id),
      ]);
      return concerns
        .filter((c) => offered.has(c.id))
        .map((c) => ({ id: c.id, title: c.texts.title }));
    },
    check: async (id, load) =>
      (await load()).some((c) => c.id === id) ? undefined : 'booking.error.chooseConcern',
    render: (visit, concerns, view) => (
      <QuestionPage
        ctx={visit.ctx}
        title={visit.ctx.t('booking.concernQuestion')}
        name="concern"
        value={view.values.concern}
        error={view.errors.concern}
        action={view.action}
        csrf={view.csrf}
        options={concerns.map((c) => ({
          value: c.id,
          label: <Text ctx={visit.ctx} value={c.title} />,
        }))}
      />
    ),
  });

  const office = defineStep<
    BookingAnswers,
    true,
    'office',
    Awaited<ReturnType<typeof listOfficesOffering>>
  >({
    key: 'office',
    path: '/book/office',
    requires: ['concern'],
    clears: ['day', 'slot'],
    form: officeAnswer.transform((answer) => answer.office),
    fields: ['office'],
    fallback: 'booking.error.chooseOffice',
    load: (visit) =>
      listOfficesOffering(db, visit.authority.id, visit.answers.concern ?? '', visit.ctx.lang.code),
    check: async (id, load) =>
      (await load()).some((o) => o.id === id) ? undefined : 'booking.error.chooseOffice',
    render: (visit, offices, view) => (
      <QuestionPage
        ctx={visit.ctx}
        title={visit.ctx.t('booking.officeQuestion')}
        name="office"
        value={view.values.office}
        error={view.errors.office}
        back={view.back}
        action={view.action}
        csrf={view.csrf}
        options={offices.map((o) => ({
          value: o.id,
          label: <Text ctx={visit.ctx} value={o.texts.name} />,
          hint: `${o.street}, ${o.postalCode} ${o.city}`,
        }))}
      />
    ),
  });

  const details = defineStep<BookingAnswers, true, 'details', null, Person>({
    key: 'details',
    path: '/book/details',
    personal: true,
    requires: ['concern', 'office', 'day', 'slot'],
    form: personFormSchema,
    fields: PERSON_FORM_FIELDS,
    fallback: 'booking.error.familyName',
    toValues: personFormValues,
    load: async () => null,
    render: (visit, _data, view) => (
      <DetailsPage
        ctx={visit.ctx}
        values={view.values}
        errors={view.errors}
        action={view.action}
        back={view.back ?? ''}
        csrf={view.csrf}
      />
    ),
  });

  const check = defineStep<
    BookingAnswers,
    true,
    'details',
    Awaited<ReturnType<typeof describeBooking>>,
    object
  >({
    path: '/book/check',
    requires: ['concern', 'office', 'day', 'slot', 'details'],
    form: z.object({}),
    fields: [],
    fallback: 'error.badRequestText',
    load: async (visit) => {
      const { slot = '', details: person } = visit.answers;
      return (
        person &&
        describeBooking(deps, visit.authority, { slotId: slot, ...person }, visit.ctx.lang.code)
      );
    },
    render: (visit, facts, view) =>
      facts ? (
        <CheckPage
          ctx={visit.ctx}
          view={facts.view}
          action={view.action}
          csrf={view.csrf}
          links={{
            concern: href(visit.ctx, '/book'),
            office: href(visit.ctx, '/book/office'),
            time: href(visit.ctx, '/book/day'),
            details: href(visit.ctx, '/book/details'),
          }}
        />
      ) : (
        <MessagePage ctx={visit.ctx} title={visit.ctx.t('booking.takenTitle')} />
      ),
    routeConfig: bookingRateLimit(deps),
    submit: async (visit) => {
      const { concern = '', slot = '', details: person } = visit.answers;
      if (!person) return { redirect: '/book/details' };
      const result = await bookAppointment(deps, visit.authority, {
        slotId: slot,
        concernId: concern,
        person,
      });
      if (result.ok) {
        visit.answers = {};
        await rememberBooking(visit.request, deps, result.booking.id, visit.now);
        return { redirect: '/book/confirmation' };
      }
      if (result.reason === 'taken' || result.reason === 'unknown-slot') {
        const alternatives = result.reason === 'taken' ? result.alternatives : [];
        return {
          status: 409,
          page: (
            <TakenPage
              ctx={visit.ctx}
              form={{ action: href(visit.ctx, '/book/time'), csrf: visit.reply.generateCsrf() }}
              alternatives={alternatives}
              timeZone={visit.authority.timeZone}
            />
          ),
        };
      }
      // Only that a booking exists: its time is for the person's own eyes (manage page).
      return {
        status: 409,
        page: (
          <MessagePage
            ctx={visit.ctx}
            title={visit.ctx.t('booking.duplicateTitle')}
            link={{ href: href(visit.ctx, '/manage'), label: visit.ctx.t('booking.manageTitle') }}
          />
        ),
      };
    },
  });

  return {
    name: 'book',
    answers: bookingAnswers,
    context: async () => true,
    exit: '/book',
    steps: [
      concern,
      office,
      dayStep<BookingAnswers, true>({
        db,
        path: '/book/day',
        requires: ['concern', 'office'],
        where: bookingWhere,
        otherOffice: '/book/office',
      }),
      timeStep<BookingAnswers, true>({
        db,
        path: '/book/time',
        requires: ['concern', 'office', 'day'],
        where: bookingWhere,
        store: true,
      }),
      details,
    ],
    finish: check,
    // A new booking forgets the last one (shared computers); a link may preset the concern.
    start: async (visit) => {
      await rememberBooking(visit.request, deps, undefined, visit.now);
      const preset = concernAnswer.safeParse(visit.request.query);
      if (!preset.success) return undefined;
      const known = await getConcern(
        db,
        visit.authority.id,
        preset.data.concern,
        visit.ctx.lang.code,
      );
      if (!known) return undefined;
      visit.answers = { concern: known.id };
      return '/book/office';
    },
  };
}

// --- moving a booking -----------------------------------------------------------------------

const rescheduleAnswers = z.object({ day: plausibleDate().optional() });
type RescheduleAnswers = { day: string; slot: string };

/** Moving a booking: another day, another time, same concern and office. */
export function rescheduleJourney(deps: BookingDeps): Journey<RescheduleAnswers, Booking> {
  const where = (visit: Visit<RescheduleAnswers, Booking>): Where => ({
    concernId: visit.context.concernId,
    officeId: visit.context.officeId,
  });
  return {
    name: 'reschedule',
    answers: rescheduleAnswers,
    exit: '/manage',
    back: '/manage/booking',
    context: async (visit) => {
      const booking = await rememberedBooking(visit.request, deps, visit.authority.id, visit.now);
      return booking?.status === 'active' ? booking : undefined;
    },
    steps: [dayStep({ db: deps.db, path: '/manage/reschedule', requires: [], where })],
    finish: timeStep<RescheduleAnswers, Booking>({
      db: deps.db,
      path: '/manage/reschedule/time',
      requires: ['day'],
      where,
      store: false,
      submitLabel: 'booking.rescheduleConfirm',
      routeConfig: bookingRateLimit(deps),
      submit: async (visit, slotId) => {
        const result = await moveAppointment(deps, visit.authority, visit.context.id, slotId);
        if (result.ok) {
          visit.answers = {};
          return { redirect: '/manage/booking?moved=1' };
        }
        if (result.reason === 'not-active') return { redirect: '/manage/booking' };
        return {
          status: 409,
          page: (
            <TakenPage
              ctx={visit.ctx}
              form={{
                action: href(visit.ctx, '/manage/reschedule/time'),
                csrf: visit.reply.generateCsrf(),
              }}
              alternatives={result.alternatives}
              timeZone={visit.authority.timeZone}
            />
          ),
        };
      },
    }),
  };
}
