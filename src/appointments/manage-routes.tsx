import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { pageContext, requireAuthority } from '../platform/http/request-context.ts';
import { registerJourney } from '../platform/journeys/engine.ts';
import { href, type PageContext } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { fieldErrors } from '../platform/ui/validation.ts';
import { rememberBooking, rescheduleJourney, type BookingDeps } from './journeys.tsx';
import { currentBooking, noStore, sendAppointmentPage } from './routes.tsx';
import { lookupSchema } from './schema.ts';
import { cancelAppointment, findBookingOfPerson } from './service.ts';
import { LookupPage, MessagePage } from './views/message-pages.tsx';

// Viewing, moving and cancelling a booking: with its code and the date of birth, or right
// after booking in the same browser. Moving is a declared journey (day, then time).

const LOOKUP_FIELDS = ['code', 'dobDay', 'dobMonth', 'dobYear'] as const;
/** The look-up form as typed, to show it again; any other body shows it empty. */
const lookupValues = z
  .object(Object.fromEntries(LOOKUP_FIELDS.map((name) => [name, z.string().max(40).catch('')])))
  .catch({});
const movedQuery = z.object({ moved: z.literal('1').optional() }).catch({});
const LOOKUP_MESSAGES = {
  code: 'booking.error.code',
  dobDay: 'booking.error.dateOfBirth',
} as const;

const lookupPage = (
  ctx: PageContext,
  reply: FastifyReply,
  values: Record<string, string>,
  errors: Record<string, string>,
) => (
  <LookupPage
    ctx={ctx}
    values={values}
    errors={errors}
    action={href(ctx, '/manage')}
    csrf={reply.generateCsrf()}
  />
);

export async function manageRoutes(app: FastifyInstance, deps: BookingDeps) {
  noStore(app);
  const bookingRateLimit = { rateLimit: { max: deps.bookingRateLimit, timeWindow: '1 minute' } };

  app.get('/:lang/manage', async (request, reply) => {
    const ctx = pageContext(request);
    requireAuthority(request);
    // A shared computer: the previous person's booking is forgotten when the form opens.
    await rememberBooking(request, deps, undefined, deps.clock());
    await request.journeySession?.save(reply, deps.clock());
    return sendPage(reply, lookupPage(ctx, reply, {}, {}));
  });

  app.post(
    '/:lang/manage',
    { preHandler: app.csrfProtection, config: bookingRateLimit },
    async (request, reply) => {
      const ctx = pageContext(request);
      const parsed = lookupSchema.safeParse(request.body ?? {});
      const key = parsed.success ? parsed.data : undefined;
      const booking = key && (await findBookingOfPerson(deps, requireAuthority(request), key));
      if (!booking) {
        const values = lookupValues.parse(request.body ?? {});
        const errors = parsed.success
          ? { code: ctx.t('booking.lookupFailed') }
          : fieldErrors(ctx.t, parsed.error.issues, LOOKUP_MESSAGES, 'booking.error.code');
        return sendPage(reply, lookupPage(ctx, reply, values, errors), 400);
      }
      await rememberBooking(request, deps, booking.id, deps.clock());
      await request.journeySession?.save(reply, deps.clock());
      return reply.redirect(href(ctx, '/manage/booking'), 303);
    },
  );

  app.get('/:lang/manage/booking', async (request, reply) => {
    const { ctx, authority, booking } = await currentBooking(request, deps);
    if (!booking) return reply.redirect(href(ctx, '/manage'), 303);
    const notice = movedQuery.parse(request.query).moved ? ctx.t('booking.movedText') : undefined;
    return sendAppointmentPage(reply, ctx, deps, booking, { kind: 'manage', notice, authority });
  });

  app.post('/:lang/manage/cancel', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { ctx, authority, booking } = await currentBooking(request, deps);
    if (!booking) return reply.redirect(href(ctx, '/manage'), 303);
    // Not cancelled (already past, cancelled or just moved): the booking page shows its state.
    const cancelled = await cancelAppointment(deps, authority, booking.id);
    return reply.redirect(href(ctx, cancelled ? '/manage/cancelled' : '/manage/booking'), 303);
  });

  app.get('/:lang/manage/cancelled', async (request, reply) => {
    const ctx = pageContext(request);
    const link = { href: href(ctx, '/book'), label: ctx.t('nav.book') };
    const page = (
      <MessagePage
        ctx={ctx}
        title={ctx.t('booking.cancelledTitle')}
        text={ctx.t('booking.cancelledText')}
        link={link}
      />
    );
    return sendPage(reply, page);
  });

  registerJourney(app, rescheduleJourney(deps), deps);
}
