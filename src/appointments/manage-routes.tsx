import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createTranslator } from '../platform/i18n/messages.ts';
import { href } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { fieldErrors } from '../platform/ui/validation.ts';
import { appointmentFacts, confirmationMail } from './confirmation.ts';
import { normaliseBookingCode } from './people.ts';
import { dayAnswer, lookupSchema, slotAnswer } from './schema.ts';
import {
  cancelBooking,
  findBookingByCode,
  findSlot,
  freeSlotsOnDay,
  reschedule,
  type Booking,
} from './service.ts';
import {
  createKit,
  noStore,
  PATHS,
  stringFields,
  type AppointmentDeps,
  type Visit,
} from './kit.tsx';
import { LookupPage, MessagePage } from './views/message-pages.tsx';
import { QuestionPage } from './views/question-page.tsx';

// Viewing, moving and cancelling a booking: with its code and the date of birth, or right
// after booking in the same browser.

export async function manageRoutes(app: FastifyInstance, deps: AppointmentDeps) {
  const { db } = deps;
  noStore(app);
  const {
    strict,
    begin,
    save,
    go,
    body,
    dayPage,
    timeOptions,
    takenPage,
    currentBooking,
    appointmentPage,
  } = createKit(deps);

  function lookupPage(
    r: Visit,
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
      if (!parsed.success) {
        const errors = fieldErrors(
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
        parsed.data.dateOfBirth,
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
    r: Visit,
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
