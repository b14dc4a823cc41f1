import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authority } from '../authorities/service.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { href, type PageContext } from '../platform/ui/context.ts';
import {
  formatClock,
  formatDay,
  formatTime,
  localDay,
  weekdayName,
} from '../platform/ui/format.ts';
import { sendPage } from '../platform/ui/render.ts';
import { pageContext, requireAuthority } from '../platform/http/request-context.ts';
import { appointmentFacts, qrSvg } from './confirmation.ts';
import { loadJourney, storeJourney, type JourneyState } from './journey.ts';
import { findBookingById, nextFreeDays, type Booking, type Slot } from './service.ts';
import { findPolicy } from './repository.ts';
import { AppointmentPage } from './views/appointment-page.tsx';
import { QuestionPage } from './views/question-page.tsx';

// What the booking and the manage pages share: the journey's request state, redirects,
// the day and time questions, the "just taken" page and the appointment page.

export type AppointmentDeps = {
  db: Db;
  baseUrl: string;
  clock: Clock;
  secureCookies: boolean;
  bookingRateLimit: number;
};

export type Step = 'concern' | 'office' | 'day' | 'time' | 'details' | 'check';
export const PATHS: Record<Step, string> = {
  concern: '/book',
  office: '/book/office',
  day: '/book/day',
  time: '/book/time',
  details: '/book/details',
  check: '/book/check',
};

/** The first step whose answer is missing, so a page reached too early sends back there. */
function missingStep(answers: JourneyState['answers'], upTo: Step): Step | undefined {
  const order: Step[] = ['concern', 'office', 'day', 'time', 'details'];
  const present: Record<string, unknown> = {
    concern: answers.concern,
    office: answers.office,
    day: answers.day,
    time: answers.slot,
    details: answers.details,
  };
  for (const step of order) {
    if (step === upTo) return undefined;
    if (!present[step]) return step;
  }
  return undefined;
}

/** These pages hold personal data: no cache, shared or private, keeps them. */
export function noStore(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
}

export type Visit = { ctx: PageContext; authority: Authority; journey: JourneyState; now: Date };

export function createKit(deps: AppointmentDeps) {
  const { db, clock } = deps;
  const strict = { config: { rateLimit: { max: deps.bookingRateLimit, timeWindow: '1 minute' } } };
  async function begin(request: FastifyRequest): Promise<Visit> {
    const ctx = pageContext(request);
    const authority = requireAuthority(request);
    const now = clock();
    const journey = await loadJourney(db, authority.id, request, now);
    return { ctx, authority, journey, now };
  }
  /** Begins a step of the journey; sends the reader back to the first unanswered one. */
  async function beginAt(request: FastifyRequest, reply: FastifyReply, step: Step) {
    const r = await begin(request);
    const missing = missingStep(r.journey.answers, step);
    if (!missing) return r;
    await reply.redirect(href(r.ctx, PATHS[missing]), 303);
    return undefined;
  }
  const save = (r: Visit, reply: FastifyReply) =>
    storeJourney(db, r.authority.id, reply, r.journey, r.now, deps.secureCookies);
  const go = (reply: FastifyReply, ctx: PageContext, path: string) =>
    reply.redirect(href(ctx, path), 303);
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  async function dayPage(
    r: Visit,
    reply: FastifyReply,
    target: {
      concern: string;
      office: string;
      value?: string | undefined;
      action: string;
      back: string;
    },
    error?: string,
  ) {
    const { t } = r.ctx;
    const days = await nextFreeDays(db, r.authority.id, target.concern, target.office, r.now);
    const policy = await findPolicy(db, r.authority.id, target.concern);
    const release =
      policy?.releaseMode === 'weekly' && policy.releaseWeekday && policy.releaseTime ? (
        <p>
          {t('booking.weeklyRelease', {
            weekday: weekdayName(r.ctx.lang.tag, policy.releaseWeekday),
            time: formatTime(r.ctx.lang.tag, policy.releaseTime),
          })}
        </p>
      ) : null;
    return sendPage(
      reply,
      <QuestionPage
        ctx={r.ctx}
        title={t('booking.dayQuestion')}
        name="day"
        value={target.value}
        error={error}
        back={target.back}
        action={target.action}
        csrf={reply.generateCsrf()}
        hint={release}
        empty={
          <>
            <p>{t('booking.noDays')}</p>
            {release}
            <p>
              <a href={href(r.ctx, PATHS.office)}>{t('booking.otherOffice')}</a>
            </p>
          </>
        }
        options={days.map((d) => ({
          value: d.day,
          label: formatDay(r.ctx.lang.tag, d.day),
          hint: t('booking.freeTimes', { count: d.free }),
        }))}
      />,
      error ? 400 : 200,
    );
  }

  function timeOptions(r: Visit, slots: Slot[], withDay: boolean) {
    return slots.map((s) => ({
      value: s.id,
      label: withDay
        ? `${formatDay(r.ctx.lang.tag, localDay(s.startsAt, r.authority.timeZone))}, ${formatClock(r.ctx.lang.tag, s.startsAt, r.authority.timeZone)}`
        : formatClock(r.ctx.lang.tag, s.startsAt, r.authority.timeZone),
    }));
  }

  function takenPage(r: Visit, reply: FastifyReply, alternatives: Slot[], action: string) {
    const { t } = r.ctx;
    return sendPage(
      reply,
      <QuestionPage
        ctx={r.ctx}
        title={t('booking.takenTitle')}
        name="slot"
        action={action}
        csrf={reply.generateCsrf()}
        hint={undefined}
        empty={<p>{t('booking.takenNone')}</p>}
        options={timeOptions(r, alternatives, true)}
        submitLabel={t('form.continue')}
      />,
      409,
    );
  }

  async function currentBooking(r: Visit): Promise<Booking | undefined> {
    return r.journey.bookingId
      ? findBookingById(db, r.authority.id, r.journey.bookingId)
      : undefined;
  }

  async function appointmentPage(
    r: Visit,
    reply: FastifyReply,
    booking: Booking,
    kind: 'confirmation' | 'manage',
    notice?: string,
  ) {
    const facts = await appointmentFacts(db, r.authority, booking, r.ctx.lang.code);
    return sendPage(
      reply,
      <AppointmentPage
        ctx={r.ctx}
        kind={kind}
        code={booking.code}
        status={booking.status}
        qrSvg={await qrSvg(booking.code)}
        view={facts.view}
        documents={facts.documents}
        icsHref={href(r.ctx, '/booking.ics')}
        notice={notice}
        actions={
          kind === 'manage'
            ? {
                cancel: href(r.ctx, '/manage/cancel'),
                reschedule: href(r.ctx, '/manage/reschedule'),
                csrf: reply.generateCsrf(),
              }
            : undefined
        }
      />,
    );
  }

  return {
    strict,
    begin,
    beginAt,
    save,
    go,
    body,
    dayPage,
    timeOptions,
    takenPage,
    currentBooking,
    appointmentPage,
  };
}

export const DETAIL_FIELDS = [
  'familyName',
  'givenNames',
  'dobDay',
  'dobMonth',
  'dobYear',
  'email',
  'phone',
  'language',
  'interpreter',
  'interpreterLanguage',
] as const;
export const DETAIL_FALLBACKS = {
  familyName: 'booking.error.familyName',
  givenNames: 'booking.error.givenNames',
  dobDay: 'booking.error.dateOfBirth',
  dobMonth: 'booking.error.dateOfBirth',
  dobYear: 'booking.error.dateOfBirth',
  email: 'booking.error.email',
  phone: 'booking.error.phone',
  language: 'booking.error.language',
  interpreter: 'booking.error.interpreter',
  interpreterLanguage: 'booking.error.interpreterLanguage',
} as const;

/** Form fields as strings (a repeated field counts by its first value), nothing else kept. */
export function stringFields(
  input: Record<string, unknown>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = Array.isArray(input[name]) ? (input[name] as unknown[])[0] : input[name];
    out[name] = typeof value === 'string' ? value.slice(0, 300) : '';
  }
  return out;
}
