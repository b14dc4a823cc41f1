import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { getConcern, listConcernsIn } from '../concerns/service.ts';
import { listOfferedConcernIds, listOfficesOffering } from '../offices/service.ts';
import { notFound } from '../platform/http/errors.ts';
import { Text } from '../platform/ui/components.tsx';
import { href } from '../platform/ui/context.ts';
import { localDay } from '../platform/ui/format.ts';
import { sendPage } from '../platform/ui/render.ts';
import { fieldErrors } from '../platform/ui/validation.ts';
import { appointmentFacts, calendarFile, confirmationMail } from './confirmation.ts';
import { concernAnswer, dayAnswer, detailsSchema, officeAnswer, slotAnswer } from './schema.ts';
import { book, findSlot, freeSlotsOnDay } from './service.ts';
import {
  createKit,
  DETAIL_FALLBACKS,
  DETAIL_FIELDS,
  noStore,
  PATHS,
  stringFields,
  type AppointmentDeps,
  type Visit,
} from './kit.tsx';
import { CheckPage } from './views/check-page.tsx';
import { DetailsPage } from './views/details-page.tsx';
import { MessagePage } from './views/message-pages.tsx';
import { QuestionPage } from './views/question-page.tsx';

export async function appointmentRoutes(app: FastifyInstance, deps: AppointmentDeps) {
  const { db } = deps;
  noStore(app);
  const {
    strict,
    beginAt,
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

  // --- concern -------------------------------------------------------------------------
  async function concernPage(r: Visit, reply: FastifyReply, error?: string) {
    const [concerns, offered] = await Promise.all([
      listConcernsIn(db, r.authority.id, r.ctx.lang.code),
      listOfferedConcernIds(db, r.authority.id),
    ]);
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
        options={concerns
          .filter((c) => offered.has(c.id))
          .map((c) => ({ value: c.id, label: <Text ctx={r.ctx} value={c.texts.title} /> }))}
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
  async function officePage(r: Visit, reply: FastifyReply, error?: string) {
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

  async function timePage(r: Visit, reply: FastifyReply, error?: string) {
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
  async function pendingAppointment(r: Visit) {
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
      const r = await beginAt(request, reply, 'check');
      if (!r) return reply;
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
}
