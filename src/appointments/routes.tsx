import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getConcern, listConcernsIn } from '../concerns/service.ts';
import { listOfficesOffering } from '../offices/service.ts';
import type { Authority } from '../authorities/service.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import { Text } from '../platform/ui/components.tsx';
import { href, type PageContext } from '../platform/ui/context.ts';
import { formatClock, formatDay, formatTime, weekdayName } from '../platform/ui/format.ts';
import { sendPage } from '../platform/ui/render.ts';
import { fieldErrors } from '../platform/ui/validation.ts';
import { pageContext, requireAuthority } from '../portal/context.ts';
import { appointmentFacts, calendarFile, confirmationMail, qrSvg } from './confirmation.ts';
import { loadJourney, storeJourney, type JourneyState } from './journey.ts';
import { normaliseBookingCode } from './people.ts';
import {
  concernAnswer,
  dayAnswer,
  detailsSchema,
  lookupSchema,
  officeAnswer,
  slotAnswer,
} from './schema.ts';
import {
  book,
  cancelBooking,
  findBookingByCode,
  findBookingById,
  findSlot,
  freeSlotsOnDay,
  nextFreeDays,
  reschedule,
  type Booking,
  type Slot,
} from './service.ts';
import { findPolicy } from './repository.ts';
import { AppointmentPage } from './views/appointment-page.tsx';
import { CheckPage } from './views/check-page.tsx';
import { DetailsPage } from './views/details-page.tsx';
import { LookupPage, MessagePage } from './views/message-pages.tsx';
import { QuestionPage } from './views/question-page.tsx';

export type AppointmentDeps = {
  db: Db;
  baseUrl: string;
  clock: Clock;
  secureCookies: boolean;
  bookingRateLimit: number;
};

type Step = 'concern' | 'office' | 'day' | 'time' | 'details' | 'check';
const PATHS: Record<Step, string> = {
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

export async function appointmentRoutes(app: FastifyInstance, deps: AppointmentDeps) {
  const { db, clock } = deps;
  // These pages hold personal data: no cache, shared or private, keeps them.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  const strict = { config: { rateLimit: { max: deps.bookingRateLimit, timeWindow: '1 minute' } } };

  type Request = { ctx: PageContext; authority: Authority; journey: JourneyState; now: Date };
  async function begin(request: FastifyRequest): Promise<Request> {
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
  const save = (r: Request, reply: FastifyReply) =>
    storeJourney(db, r.authority.id, reply, r.journey, r.now, deps.secureCookies);
  const go = (reply: FastifyReply, ctx: PageContext, path: string) =>
    reply.redirect(href(ctx, path), 303);
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  // --- concern -------------------------------------------------------------------------
  async function concernPage(r: Request, reply: FastifyReply, error?: string) {
    const concerns = await listConcernsIn(db, r.authority.id, r.ctx.lang.code);
    const offered = await Promise.all(
      concerns.map(async (c) => ({
        c,
        offices: await listOfficesOffering(db, r.authority.id, c.id, r.ctx.lang.code),
      })),
    );
    return sendPage(
      reply,
      <QuestionPage
        ctx={r.ctx}
        title={r.ctx.t('booking.concernQuestion')}
        name="concern"
        value={r.journey.answers.concern}
        error={error}
        action={href(r.ctx, PATHS.concern)}
        csrf={reply.generateCsrf()}
        options={offered
          .filter((o) => o.offices.length > 0)
          .map(({ c }) => ({ value: c.id, label: <Text ctx={r.ctx} value={c.texts.title} /> }))}
      />,
      error ? 400 : 200,
    );
  }

  app.get('/:lang/book', async (request, reply) => {
    const r = await begin(request);
    const preset = concernAnswer.safeParse(request.query);
    if (
      preset.success &&
      (await getConcern(db, r.authority.id, preset.data.concern, r.ctx.lang.code))
    ) {
      r.journey.answers = { concern: preset.data.concern };
      await save(r, reply);
      return go(reply, r.ctx, PATHS.office);
    }
    r.journey.bookingId = null; // a new journey forgets the last booking (shared computers)
    await save(r, reply);
    return concernPage(r, reply);
  });

  app.post('/:lang/book', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await begin(request);
    const parsed = concernAnswer.safeParse(body(request));
    if (
      !parsed.success ||
      !(await getConcern(db, r.authority.id, parsed.data.concern, r.ctx.lang.code))
    ) {
      return concernPage(r, reply, r.ctx.t('booking.error.chooseConcern'));
    }
    if (r.journey.answers.concern !== parsed.data.concern)
      r.journey.answers = { concern: parsed.data.concern };
    await save(r, reply);
    return go(reply, r.ctx, PATHS.office);
  });

  // --- office --------------------------------------------------------------------------
  async function officePage(r: Request, reply: FastifyReply, error?: string) {
    const offices = await listOfficesOffering(
      db,
      r.authority.id,
      r.journey.answers.concern ?? '',
      r.ctx.lang.code,
    );
    return sendPage(
      reply,
      <QuestionPage
        ctx={r.ctx}
        title={r.ctx.t('booking.officeQuestion')}
        name="office"
        value={r.journey.answers.office}
        error={error}
        back={href(r.ctx, PATHS.concern)}
        action={href(r.ctx, PATHS.office)}
        csrf={reply.generateCsrf()}
        options={offices.map((o) => ({
          value: o.id,
          label: <Text ctx={r.ctx} value={o.texts.name} />,
          hint: `${o.street}, ${o.postalCode} ${o.city}`,
        }))}
      />,
      error ? 400 : 200,
    );
  }

  app.get('/:lang/book/office', async (request, reply) => {
    const r = await beginAt(request, reply, 'office');
    if (!r) return reply;
    return officePage(r, reply);
  });

  app.post('/:lang/book/office', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await beginAt(request, reply, 'office');
    if (!r) return reply;
    const parsed = officeAnswer.safeParse(body(request));
    const offices = await listOfficesOffering(
      db,
      r.authority.id,
      r.journey.answers.concern ?? '',
      r.ctx.lang.code,
    );
    if (!parsed.success || !offices.some((o) => o.id === parsed.data.office)) {
      return officePage(r, reply, r.ctx.t('booking.error.chooseOffice'));
    }
    if (r.journey.answers.office !== parsed.data.office) {
      r.journey.answers = {
        concern: r.journey.answers.concern,
        office: parsed.data.office,
        details: r.journey.answers.details,
      };
    }
    await save(r, reply);
    return go(reply, r.ctx, PATHS.day);
  });

  // --- day -----------------------------------------------------------------------------
  async function dayPage(
    r: Request,
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

  app.get('/:lang/book/day', async (request, reply) => {
    const r = await beginAt(request, reply, 'day');
    if (!r) return reply;
    const { concern = '', office = '', day } = r.journey.answers;
    return dayPage(r, reply, {
      concern,
      office,
      value: day,
      action: href(r.ctx, PATHS.day),
      back: href(r.ctx, PATHS.office),
    });
  });

  app.post('/:lang/book/day', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await beginAt(request, reply, 'day');
    if (!r) return reply;
    const { concern = '', office = '' } = r.journey.answers;
    const parsed = dayAnswer.safeParse(body(request));
    if (!parsed.success) {
      return dayPage(
        r,
        reply,
        { concern, office, action: href(r.ctx, PATHS.day), back: href(r.ctx, PATHS.office) },
        r.ctx.t('booking.error.chooseDay'),
      );
    }
    r.journey.answers = { ...r.journey.answers, day: parsed.data.day, slot: undefined };
    await save(r, reply);
    return go(reply, r.ctx, PATHS.time);
  });

  // --- time ----------------------------------------------------------------------------
  function timeOptions(r: Request, slots: Slot[], withDay: boolean) {
    return slots.map((s) => ({
      value: s.id,
      label: withDay
        ? `${formatDay(r.ctx.lang.tag, localDay(s.startsAt, r.authority.timeZone))}, ${formatClock(r.ctx.lang.tag, s.startsAt, r.authority.timeZone)}`
        : formatClock(r.ctx.lang.tag, s.startsAt, r.authority.timeZone),
    }));
  }

  async function timePage(r: Request, reply: FastifyReply, error?: string) {
    const { concern = '', office = '', day = '' } = r.journey.answers;
    const slots = await freeSlotsOnDay(db, r.authority.id, concern, office, day, r.now);
    return sendPage(
      reply,
      <QuestionPage
        ctx={r.ctx}
        title={r.ctx.t('booking.timeQuestion')}
        name="slot"
        value={r.journey.answers.slot}
        error={error}
        back={href(r.ctx, PATHS.day)}
        action={href(r.ctx, PATHS.time)}
        csrf={reply.generateCsrf()}
        empty={
          <p>
            <a href={href(r.ctx, PATHS.day)}>{r.ctx.t('form.back')}</a>
          </p>
        }
        options={timeOptions(r, slots, false)}
      />,
      error ? 400 : 200,
    );
  }

  app.get('/:lang/book/time', async (request, reply) => {
    const r = await beginAt(request, reply, 'time');
    if (!r) return reply;
    return timePage(r, reply);
  });

  app.post('/:lang/book/time', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await beginAt(request, reply, 'time');
    if (!r) return reply;
    const parsed = slotAnswer.safeParse(body(request));
    const slot = parsed.success ? await findSlot(db, r.authority.id, parsed.data.slot) : undefined;
    if (
      !slot ||
      slot.concernId !== r.journey.answers.concern ||
      slot.officeId !== r.journey.answers.office
    ) {
      return timePage(r, reply, r.ctx.t('booking.error.chooseTime'));
    }
    r.journey.answers = {
      ...r.journey.answers,
      slot: slot.id,
      day: localDay(slot.startsAt, r.authority.timeZone),
    };
    await save(r, reply);
    return go(reply, r.ctx, r.journey.answers.details ? PATHS.check : PATHS.details);
  });

  // --- details -------------------------------------------------------------------------
  app.get('/:lang/book/details', async (request, reply) => {
    const r = await beginAt(request, reply, 'details');
    if (!r) return reply;
    return sendPage(
      reply,
      <DetailsPage
        ctx={r.ctx}
        values={r.journey.answers.details ?? {}}
        errors={{}}
        action={href(r.ctx, PATHS.details)}
        back={href(r.ctx, PATHS.time)}
        csrf={reply.generateCsrf()}
      />,
    );
  });

  app.post('/:lang/book/details', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await beginAt(request, reply, 'details');
    if (!r) return reply;
    const raw = stringFields(body(request), DETAIL_FIELDS);
    const parsed = detailsSchema(r.now).safeParse(raw);
    if (!parsed.success) {
      const errors = fieldErrors(
        r.ctx.t,
        parsed.error.issues,
        DETAIL_FALLBACKS,
        'booking.error.familyName',
      );
      return sendPage(
        reply,
        <DetailsPage
          ctx={r.ctx}
          values={raw}
          errors={errors}
          action={href(r.ctx, PATHS.details)}
          back={href(r.ctx, PATHS.time)}
          csrf={reply.generateCsrf()}
        />,
        400,
      );
    }
    r.journey.answers = { ...r.journey.answers, details: raw };
    await save(r, reply);
    return go(reply, r.ctx, PATHS.check);
  });

  // --- check and book ------------------------------------------------------------------
  async function pendingAppointment(r: Request) {
    const { slot: slotId = '', details = {} } = r.journey.answers;
    const slot = await findSlot(db, r.authority.id, slotId);
    const person = detailsSchema(r.now).safeParse(details);
    if (!slot || !person.success) return undefined;
    return { slot, person: person.data };
  }

  app.get('/:lang/book/check', async (request, reply) => {
    const r = await beginAt(request, reply, 'check');
    if (!r) return reply;
    const pending = await pendingAppointment(r);
    if (!pending) return go(reply, r.ctx, PATHS.concern);
    const facts = await appointmentFacts(
      db,
      r.authority,
      {
        ...pending.person,
        concernId: pending.slot.concernId,
        officeId: pending.slot.officeId,
        startsAt: pending.slot.startsAt,
      },
      r.ctx.lang.code,
    );
    return sendPage(
      reply,
      <CheckPage
        ctx={r.ctx}
        view={facts.view}
        action={href(r.ctx, PATHS.check)}
        csrf={reply.generateCsrf()}
        links={{
          concern: href(r.ctx, PATHS.concern),
          office: href(r.ctx, PATHS.office),
          time: href(r.ctx, PATHS.day),
          details: href(r.ctx, PATHS.details),
        }}
      />,
    );
  });

  app.post(
    '/:lang/book/check',
    { preHandler: app.csrfProtection, ...strict },
    async (request, reply) => {
      const r = await begin(request);
      const missing = missingStep(r.journey.answers, 'check');
      if (missing) return go(reply, r.ctx, PATHS[missing]);
      const pending = await pendingAppointment(r);
      if (!pending) return go(reply, r.ctx, PATHS.concern);
      const { slot, person } = pending;
      const manageUrl = `${deps.baseUrl}/${person.language}/manage`;
      const facts = await appointmentFacts(
        db,
        r.authority,
        { ...person, concernId: slot.concernId, officeId: slot.officeId, startsAt: slot.startsAt },
        person.language,
      );
      const result = await book(
        db,
        r.authority.id,
        { slotId: slot.id, concernId: slot.concernId, person },
        r.now,
        (booking) =>
          confirmationMail(
            booking,
            facts,
            r.ctx.t('site.name', { city: r.authority.name }),
            manageUrl,
          ),
      );
      if (result.ok) {
        r.journey.answers = {};
        r.journey.bookingId = result.booking.id;
        await save(r, reply);
        return go(reply, r.ctx, '/book/confirmation');
      }
      if (result.reason === 'taken')
        return takenPage(r, reply, result.alternatives, href(r.ctx, PATHS.time));
      return sendPage(
        reply,
        // Only that a booking exists: its time is for the person's own eyes (manage page).
        <MessagePage
          ctx={r.ctx}
          title={r.ctx.t('booking.duplicateTitle')}
          link={{ href: href(r.ctx, '/manage'), label: r.ctx.t('booking.manageTitle') }}
        />,
        409,
      );
    },
  );

  function takenPage(r: Request, reply: FastifyReply, alternatives: Slot[], action: string) {
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

  // --- confirmation and managing a booking ---------------------------------------------
  async function currentBooking(r: Request): Promise<Booking | undefined> {
    return r.journey.bookingId
      ? findBookingById(db, r.authority.id, r.journey.bookingId)
      : undefined;
  }

  async function appointmentPage(
    r: Request,
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

  app.get('/:lang/book/confirmation', async (request, reply) => {
    const r = await begin(request);
    const booking = await currentBooking(r);
    if (!booking) return go(reply, r.ctx, '/manage');
    return appointmentPage(r, reply, booking, 'confirmation');
  });

  app.get('/:lang/booking.ics', async (request, reply) => {
    const r = await begin(request);
    const booking = await currentBooking(r);
    if (!booking) throw notFound();
    const facts = await appointmentFacts(db, r.authority, booking, r.ctx.lang.code);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="termin.ics"')
      .send(calendarFile(booking, facts, `${deps.baseUrl}${href(r.ctx, '/manage')}`));
  });

  function lookupPage(
    r: Request,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: Record<string, string>,
  ) {
    return sendPage(
      reply,
      <LookupPage
        ctx={r.ctx}
        values={values}
        errors={errors}
        action={href(r.ctx, '/manage')}
        csrf={reply.generateCsrf()}
      />,
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  }

  app.get('/:lang/manage', async (request, reply) => {
    const r = await begin(request);
    // A shared computer: the previous person's booking is forgotten when the form opens.
    r.journey.bookingId = null;
    await save(r, reply);
    return lookupPage(r, reply, {}, {});
  });

  app.post(
    '/:lang/manage',
    { preHandler: app.csrfProtection, ...strict },
    async (request, reply) => {
      const r = await begin(request);
      const raw = stringFields(body(request), ['code', 'dobDay', 'dobMonth', 'dobYear']);
      const parsed = lookupSchema.safeParse(raw);
      const dob = parsed.success
        ? isoFromParts(parsed.data.dobYear, parsed.data.dobMonth, parsed.data.dobDay)
        : undefined;
      if (!parsed.success || !dob) {
        const errors = parsed.success
          ? { dobDay: r.ctx.t('booking.error.dateOfBirth') }
          : fieldErrors(
              r.ctx.t,
              parsed.error.issues,
              { code: 'booking.error.code', dobDay: 'booking.error.dateOfBirth' },
              'booking.error.code',
            );
        return lookupPage(r, reply, raw, errors);
      }
      const booking = await findBookingByCode(
        db,
        r.authority.id,
        normaliseBookingCode(parsed.data.code),
        dob,
      );
      if (!booking) return lookupPage(r, reply, raw, { code: r.ctx.t('booking.lookupFailed') });
      r.journey.bookingId = booking.id;
      await save(r, reply);
      return go(reply, r.ctx, '/manage/booking');
    },
  );

  app.get('/:lang/manage/booking', async (request, reply) => {
    const r = await begin(request);
    const booking = await currentBooking(r);
    if (!booking) return go(reply, r.ctx, '/manage');
    const moved = (request.query as { moved?: string }).moved === '1';
    return appointmentPage(
      r,
      reply,
      booking,
      'manage',
      moved ? r.ctx.t('booking.movedText') : undefined,
    );
  });

  app.post('/:lang/manage/cancel', { preHandler: app.csrfProtection }, async (request, reply) => {
    const r = await begin(request);
    const booking = await currentBooking(r);
    if (!booking) return go(reply, r.ctx, '/manage');
    // Not cancelled (already past, cancelled or just moved): the booking page shows its state.
    if (!(await cancelBooking(db, r.authority.id, booking.id, r.now))) {
      return go(reply, r.ctx, '/manage/booking');
    }
    return go(reply, r.ctx, '/manage/cancelled');
  });

  app.get('/:lang/manage/cancelled', async (request, reply) => {
    const r = await begin(request);
    return sendPage(
      reply,
      <MessagePage
        ctx={r.ctx}
        title={r.ctx.t('booking.cancelledTitle')}
        text={r.ctx.t('booking.cancelledText')}
        link={{ href: href(r.ctx, PATHS.concern), label: r.ctx.t('nav.book') }}
      />,
    );
  });

  app.get('/:lang/manage/reschedule', async (request, reply) => {
    const r = await begin(request);
    const booking = await currentBooking(r);
    if (!booking || booking.status !== 'active') return go(reply, r.ctx, '/manage');
    return dayPage(r, reply, {
      concern: booking.concernId,
      office: booking.officeId,
      action: href(r.ctx, '/manage/reschedule'),
      back: href(r.ctx, '/manage/booking'),
    });
  });

  app.post(
    '/:lang/manage/reschedule',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const r = await begin(request);
      const booking = await currentBooking(r);
      if (!booking || booking.status !== 'active') return go(reply, r.ctx, '/manage');
      const parsed = dayAnswer.safeParse(body(request));
      if (!parsed.success) {
        return dayPage(
          r,
          reply,
          {
            concern: booking.concernId,
            office: booking.officeId,
            action: href(r.ctx, '/manage/reschedule'),
            back: href(r.ctx, '/manage/booking'),
          },
          r.ctx.t('booking.error.chooseDay'),
        );
      }
      r.journey.answers = { ...r.journey.answers, rescheduleDay: parsed.data.day };
      await save(r, reply);
      return go(reply, r.ctx, '/manage/reschedule/time');
    },
  );

  async function rescheduleTimePage(
    r: Request,
    reply: FastifyReply,
    booking: Booking,
    error?: string,
  ) {
    const slots = await freeSlotsOnDay(
      db,
      r.authority.id,
      booking.concernId,
      booking.officeId,
      r.journey.answers.rescheduleDay ?? '',
      r.now,
    );
    return sendPage(
      reply,
      <QuestionPage
        ctx={r.ctx}
        title={r.ctx.t('booking.timeQuestion')}
        name="slot"
        error={error}
        back={href(r.ctx, '/manage/reschedule')}
        action={href(r.ctx, '/manage/reschedule/time')}
        csrf={reply.generateCsrf()}
        empty={
          <p>
            <a href={href(r.ctx, '/manage/reschedule')}>{r.ctx.t('form.back')}</a>
          </p>
        }
        options={timeOptions(r, slots, false)}
        submitLabel={r.ctx.t('booking.rescheduleConfirm')}
      />,
      error ? 400 : 200,
    );
  }

  app.get('/:lang/manage/reschedule/time', async (request, reply) => {
    const r = await begin(request);
    const booking = await currentBooking(r);
    if (!booking || booking.status !== 'active') return go(reply, r.ctx, '/manage');
    if (!r.journey.answers.rescheduleDay) return go(reply, r.ctx, '/manage/reschedule');
    return rescheduleTimePage(r, reply, booking);
  });

  app.post(
    '/:lang/manage/reschedule/time',
    { preHandler: app.csrfProtection, ...strict },
    async (request, reply) => {
      const r = await begin(request);
      const booking = await currentBooking(r);
      if (!booking || booking.status !== 'active') return go(reply, r.ctx, '/manage');
      if (!r.journey.answers.rescheduleDay) return go(reply, r.ctx, '/manage/reschedule');
      const parsed = slotAnswer.safeParse(body(request));
      const slot = parsed.success
        ? await findSlot(db, r.authority.id, parsed.data.slot)
        : undefined;
      // A move stays with the concern and the office of the booking.
      if (!slot || slot.concernId !== booking.concernId || slot.officeId !== booking.officeId) {
        return rescheduleTimePage(r, reply, booking, r.ctx.t('booking.error.chooseTime'));
      }
      const facts = booking.email
        ? await appointmentFacts(
            db,
            r.authority,
            { ...booking, officeId: slot.officeId, startsAt: slot.startsAt },
            booking.language,
          )
        : undefined;
      const site = createTranslator(booking.language)('site.name', { city: r.authority.name });
      const manageUrl = `${deps.baseUrl}/${booking.language}/manage`;
      const result = await reschedule(db, r.authority.id, booking.id, slot.id, r.now, (moved) =>
        facts ? confirmationMail(moved, facts, site, manageUrl) : undefined,
      );
      if (result.ok) return reply.redirect(`${href(r.ctx, '/manage/booking')}?moved=1`, 303);
      if (result.reason === 'taken')
        return takenPage(r, reply, result.alternatives, href(r.ctx, '/manage/reschedule/time'));
      return go(reply, r.ctx, '/manage/booking');
    },
  );
}

const DETAIL_FIELDS = [
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
const DETAIL_FALLBACKS = {
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
function stringFields(
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

function isoFromParts(year: string, month: string, day: string): string | undefined {
  if (!/^(19|20)\d{2}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) {
    return undefined;
  }
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** The local calendar day of an instant, 'YYYY-MM-DD'. */
export function localDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
