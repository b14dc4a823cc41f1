import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/errors.ts';
import { pageContext, requireAuthority } from '../platform/http/request-context.ts';
import { registerJourney } from '../platform/journeys/engine.ts';
import { href, type PageContext } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { calendarFile, qrSvg } from './confirmation.ts';
import { bookingJourney, rememberedBooking, type BookingDeps } from './journeys.tsx';
import { describeBooking, type Booking } from './service.ts';
import { AppointmentPage } from './views/appointment-page.tsx';

// The booking journey (a declared journey on the platform's engine), its confirmation page
// and the calendar file.

/** These pages hold personal data: no cache, shared or private, keeps them. */
export function noStore(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
}

/** The confirmation and the manage page of a booking. */
export async function sendAppointmentPage(
  reply: FastifyReply,
  ctx: PageContext,
  deps: BookingDeps,
  booking: Booking,
  options: {
    kind: 'confirmation' | 'manage';
    notice?: string | undefined;
    authority: Parameters<typeof describeBooking>[1];
  },
) {
  const facts = await describeBooking(deps, options.authority, booking, ctx.lang.code);
  if (!facts) throw new AppError('NOT_FOUND');
  return sendPage(
    reply,
    <AppointmentPage
      ctx={ctx}
      kind={options.kind}
      code={booking.code}
      status={booking.status}
      qrSvg={await qrSvg(booking.code)}
      view={facts.view}
      documents={facts.documents}
      icsHref={href(ctx, '/booking.ics')}
      notice={options.notice}
      actions={
        options.kind === 'manage'
          ? {
              cancel: href(ctx, '/manage/cancel'),
              reschedule: href(ctx, '/manage/reschedule'),
              csrf: reply.generateCsrf(),
            }
          : undefined
      }
    />,
  );
}

/** The booking this browser holds, with what every page about it needs. */
export async function currentBooking(request: FastifyRequest, deps: BookingDeps) {
  const ctx = pageContext(request);
  const authority = requireAuthority(request);
  const booking = await rememberedBooking(request, deps, authority.id, deps.clock());
  return { ctx, authority, booking };
}

export async function appointmentRoutes(app: FastifyInstance, deps: BookingDeps) {
  noStore(app);
  registerJourney(app, bookingJourney(deps), deps);

  app.get('/:lang/book/confirmation', async (request, reply) => {
    const { ctx, authority, booking } = await currentBooking(request, deps);
    if (!booking) return reply.redirect(href(ctx, '/manage'), 303);
    return sendAppointmentPage(reply, ctx, deps, booking, { kind: 'confirmation', authority });
  });

  app.get('/:lang/booking.ics', async (request, reply) => {
    const { ctx, authority, booking } = await currentBooking(request, deps);
    if (!booking) throw new AppError('NOT_FOUND');
    const facts = await describeBooking(deps, authority, booking, ctx.lang.code);
    if (!facts) throw new AppError('NOT_FOUND');
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="termin.ics"')
      .send(calendarFile(booking, facts, `${deps.baseUrl}${href(ctx, '/manage')}`));
  });
}
