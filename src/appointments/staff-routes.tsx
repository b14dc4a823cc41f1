import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import {
  auditChange,
  auditRead,
  requireOffice,
  requireStaff,
  routeOfficeAccess,
  staffPageContext,
} from '../platform/policy/guard.ts';
import { officeAccess } from '../platform/policy/policy.ts';
import { localDay } from '../platform/ui/format.ts';
import { sendPage } from '../platform/ui/render.ts';
import {
  changeCapacity,
  loadCapacityPage,
  type CapacityAccess,
  type CapacityFormName,
} from './capacity.service.ts';
import { markAttendance, openDayList } from './day.service.ts';
import { formValues, parseCapacityQuery, parseDayQuery } from './staff-schema.ts';
import { StaffCapacityPage } from './views/staff-capacity.tsx';
import { StaffDayPage } from './views/staff-day.tsx';

// The staff side of appointments: the day view (reception, caseworkers, team leads of their
// offices) and capacity administration (team leads of their offices, administrators). Thin
// handlers: parse, check the office against the policy, call one service function, render
// or redirect.

export type StaffAppointmentDeps = { db: Db; clock: Clock };

// The generated policy test calls each route with its example; dates are relative to the
// day the app starts, so that the examples stay valid.
const dayIn = (days: number) => localDay(new Date(Date.now() + days * 86_400_000), 'Europe/Berlin');

/** Re-checks a named office against the route's action (403 outside the member's offices). */
function officeParam(request: FastifyRequest, values: Record<string, string>) {
  if (values.office) requireOffice(request, values.office);
}

/** The member's reach for capacity: offices (this route's action) and release policies. */
function capacityAccess(request: FastifyRequest): CapacityAccess {
  const principal = requireStaff(request);
  return {
    offices: officeAccess(principal, 'capacity.manage'),
    policies: officeAccess(principal, 'capacity.policy.manage').all,
  };
}

const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) =>
      v === undefined || v === '' ? [] : [[k, String(v)]],
    ),
  ).toString();

export async function staffAppointmentRoutes(app: FastifyInstance, deps: StaffAppointmentDeps) {
  const { db } = deps;

  app.get(
    '/staff/day',
    {
      config: {
        staff: {
          action: 'appointments.day.read',
          purpose: 'appointments of the day at the office (reception, preparation)',
          example: { query: `office=central&day=${dayIn(0)}` },
        },
      },
    },
    async (request, reply) => {
      const values = formValues(request.query);
      officeParam(request, values);
      const q = parseDayQuery(values);
      const ctx = staffPageContext(request, reply);
      const principal = requireStaff(request);
      const { page, status } = await openDayList(
        deps,
        requireAuthority(request),
        {
          read: routeOfficeAccess(request),
          mark: officeAccess(principal, 'appointments.attendance.mark'),
        },
        ctx.lang,
        q,
        (subject, fields, details) => auditRead(db, request, subject, fields, details),
      );
      return sendPage(reply, <StaffDayPage ctx={ctx} page={page} notice={q.notice} />, status);
    },
  );

  app.post(
    '/staff/day/attendance',
    {
      config: {
        staff: {
          action: 'appointments.attendance.mark',
          purpose: 'attendance of an appointment on its day',
          example: {
            body: { booking: '1', mark: 'arrived', office: 'central', day: dayIn(0) },
          },
        },
      },
    },
    async (request, reply) => {
      const values = formValues(request.body);
      officeParam(request, values);
      const outcome = await markAttendance(
        deps,
        requireAuthority(request),
        routeOfficeAccess(request),
        values,
        (tx, subject, details, fields) => auditChange(tx, request, subject, details, fields),
      );
      const { back, notice } = outcome;
      const target = query({ office: back.office, day: back.day, concern: back.concern, notice });
      return reply.redirect(`/staff/day?${target}#booking-${back.booking}`, 303);
    },
  );

  app.get(
    '/staff/capacity',
    {
      config: {
        staff: {
          action: 'capacity.manage',
          purpose: 'capacity rules, closures and release policies',
          example: { query: 'office=central&concern=address-registration' },
        },
      },
    },
    async (request, reply) => {
      const values = formValues(request.query);
      officeParam(request, values);
      const q = parseCapacityQuery(values);
      const ctx = staffPageContext(request, reply);
      const page = await loadCapacityPage(
        deps,
        requireAuthority(request),
        capacityAccess(request),
        ctx.lang,
        q,
      );
      const saved = q.saved && { form: q.saved, added: q.added, removed: q.removed, kept: q.kept };
      return sendPage(reply, <StaffCapacityPage ctx={ctx} page={page} saved={saved} />);
    },
  );

  /** One POST route per form; each previews (intent=preview) or saves (intent=save). */
  const changeRoute = (
    url: string,
    formName: (values: Record<string, string>) => CapacityFormName,
    action: 'capacity.manage' | 'capacity.policy.manage',
    example: Record<string, string>,
  ) =>
    app.post(
      url,
      {
        config: {
          staff: { action, purpose: 'capacity administration', example: { body: example } },
        },
      },
      async (request, reply) => {
        const values = formValues(request.body);
        officeParam(request, values);
        const ctx = staffPageContext(request, reply);
        const outcome = await changeCapacity(
          deps,
          requireAuthority(request),
          capacityAccess(request),
          ctx.lang,
          { name: formName(values), values },
          (tx, subject, details, fields) => auditChange(tx, request, subject, details, fields),
        );
        if (outcome.saved) {
          const target = query({
            office: outcome.officeId,
            concern: outcome.concernId,
            saved: outcome.form,
            added: outcome.totals.addedPlaces,
            removed: outcome.totals.removedFreePlaces,
            kept: outcome.totals.bookedUnaffected,
          });
          return reply.redirect(`/staff/capacity?${target}`, 303);
        }
        return sendPage(
          reply,
          <StaffCapacityPage ctx={ctx} page={outcome.page} form={outcome.form} />,
          outcome.status,
        );
      },
    );

  changeRoute('/staff/capacity/rules', () => 'rules', 'capacity.manage', {
    office: 'central',
    concern: 'address-registration',
    rows: '1',
    weekday_0: '1',
    starts_0: '08:00',
    ends_0: '12:00',
    desks_0: '2',
    intent: 'preview',
  });
  changeRoute(
    '/staff/capacity/closures',
    (values) => (values.change === 'reopen' ? 'reopen' : 'closure'),
    'capacity.manage',
    {
      change: 'close',
      office: 'central',
      day: dayIn(30),
      reason: 'Betriebsausflug',
      intent: 'preview',
    },
  );
  changeRoute('/staff/capacity/policy', () => 'policy', 'capacity.policy.manage', {
    concern: 'address-registration',
    slotMinutes: '15',
    releaseMode: 'rolling',
    weeksAhead: '6',
    intent: 'preview',
  });
}
