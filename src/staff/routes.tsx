import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { plausibleDate } from '../platform/validation/dates.ts';
import { listDayBookings } from '../appointments/service.ts';
import { listConcernsIn } from '../concerns/service.ts';
import { listOfficesIn } from '../offices/service.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import { localDay } from '../platform/ui/format.ts';
import { sendPage } from '../platform/ui/render.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import { audit, logIn, logOut, staffOfSession } from './service.ts';
import { DayPage, LoginPage } from './views/pages.tsx';

// The staff area is German only for now (the staff of a German authority); its text still
// comes from the catalogue.
const STAFF_LANG = 'de';
const COOKIE = 'wc_staff';

const loginSchema = z.object({
  username: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});
const dayQuery = z.object({
  office: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  day: plausibleDate().optional(),
});

export async function staffRoutes(
  app: FastifyInstance,
  deps: { db: Db; clock: Clock; secureCookies: boolean },
) {
  const { db, clock } = deps;
  const t = createTranslator(STAFF_LANG);

  async function currentStaff(request: FastifyRequest) {
    const raw = request.cookies[COOKIE];
    const token = raw ? request.unsignCookie(raw) : undefined;
    if (!token?.valid || !token.value) return undefined;
    return staffOfSession(db, requireAuthority(request).id, token.value, clock());
  }

  const loginPage = (reply: FastifyReply, failed: boolean) =>
    sendPage(
      reply,
      <LoginPage t={t} csrf={reply.generateCsrf()} failed={failed} />,
      failed ? 401 : 200,
    );

  app.get('/staff/login', async (_request, reply) => loginPage(reply, false));

  app.post(
    '/staff/login',
    { preHandler: app.csrfProtection, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const parsed = loginSchema.safeParse(request.body);
      const token = parsed.success
        ? await logIn(db, requireAuthority(request).id, parsed.data, clock())
        : undefined;
      if (!token) return loginPage(reply, true);
      reply.setCookie(COOKIE, token, {
        signed: true,
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        path: '/staff',
      });
      return reply.redirect('/staff', 303);
    },
  );

  app.post('/staff/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    const raw = request.cookies[COOKIE];
    const token = raw ? request.unsignCookie(raw) : undefined;
    if (token?.valid && token.value) await logOut(db, requireAuthority(request).id, token.value);
    reply.clearCookie(COOKIE, { path: '/staff' });
    return reply.redirect('/staff/login', 303);
  });

  app.get('/staff', async (request, reply) => {
    const staff = await currentStaff(request);
    if (!staff) return reply.redirect('/staff/login', 303);
    const authority = requireAuthority(request);
    const offices = await listOfficesIn(db, authority.id, STAFF_LANG);
    const query = dayQuery.safeParse(request.query);
    const today = localDay(clock(), authority.timeZone);
    const officeId = (query.success && query.data.office) || offices[0]?.id || '';
    const day = (query.success && query.data.day) || today;
    // Checked before any personal data is read; the read itself is audit-logged.
    await audit(db, authority.id, {
      actor: staff.username,
      action: 'appointments.day.read',
      subject: `${officeId}/${day}`,
      requestId: request.id,
    });
    const [bookings, concerns] = await Promise.all([
      listDayBookings(db, authority, officeId, day),
      listConcernsIn(db, authority.id, STAFF_LANG),
    ]);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      <DayPage
        t={t}
        staffName={staff.displayName}
        offices={offices.map((o) => ({ id: o.id, name: o.texts.name?.text ?? o.id }))}
        officeId={officeId}
        day={day}
        timeZone={authority.timeZone}
        concernTitles={Object.fromEntries(concerns.map((c) => [c.id, c.texts.title?.text ?? c.id]))}
        bookings={bookings}
        csrf={reply.generateCsrf()}
      />,
    );
  });
}
