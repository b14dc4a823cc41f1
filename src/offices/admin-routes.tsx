import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import {
  auditChange,
  requireStaff,
  staffPageContext,
  type RouteExample,
} from '../platform/policy/guard.ts';
import { localDay } from '../platform/ui/format.ts';
import { sendPage } from '../platform/ui/render.ts';
import { formList, formValues, type FormErrors } from '../platform/ui/staff-validation.ts';
import {
  accessibilitySchema,
  addressSchema,
  parseHours,
  parseLanguages,
  toFormErrors,
} from './admin-schema.ts';
import {
  listOfficesForAdmin,
  officeForAdmin,
  saveOfficeAccessibility,
  saveOfficeAddress,
  saveOfficeLanguages,
  saveOpeningHours,
  type RecordChange,
  type SaveOutcome,
} from './admin-service.ts';
import { officeParamsSchema } from './schema.ts';
import {
  OFFICE_SECTIONS,
  OfficeAdminPage,
  OfficesAdminPage,
  type OfficeSection,
} from './views/admin.tsx';

// Office administration (/staff/offices): thin handlers — parse, call one service function,
// render or redirect (POST → 303 → GET; a form with errors is shown again with 400).

const rule = (example: RouteExample = {}) => ({
  staff: {
    action: 'offices.manage' as const,
    purpose: 'office administration: address, opening hours, accessibility, languages',
    example,
  },
});

const CENTRAL = { params: { id: 'central' } };

const savedQuery = z.object({
  saved: z.enum(OFFICE_SECTIONS).optional(),
  unchanged: z.enum(OFFICE_SECTIONS).optional(),
});

export async function officeAdminRoutes(
  app: FastifyInstance,
  { db, clock }: { db: Db; clock: Clock },
) {
  const authorityOf = (request: FastifyRequest) => requireStaff(request).authorityId;
  const today = (request: FastifyRequest) => localDay(clock(), requireAuthority(request).timeZone);
  const officeId = (request: FastifyRequest) => {
    const params = officeParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound();
    return params.data.id;
  };
  // The change and its audit entry share the service's transaction.
  const recorder =
    (request: FastifyRequest): RecordChange =>
    (tx, subject, details, fields) =>
      auditChange(tx, request, subject, details, fields);

  async function showOffice(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    options: Pick<Parameters<typeof OfficeAdminPage>[0], 'form' | 'saved'> = {},
    status = 200,
  ) {
    const view = await officeForAdmin(db, authorityOf(request), id, today(request));
    if (!view) throw notFound();
    const ctx = staffPageContext(request, reply);
    return sendPage(reply, <OfficeAdminPage ctx={ctx} view={view} {...options} />, status);
  }

  /** Where a section's save leads: back to the page (303), or the form again with errors. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    section: OfficeSection,
    id: string,
    outcome: SaveOutcome | { kind: 'invalid'; errors: FormErrors },
  ) {
    if (outcome.kind === 'missing') throw notFound();
    if (outcome.kind === 'invalid') {
      const form = {
        section,
        values: formValues(request.body),
        list: formList(request.body, 'languages'),
        errors: outcome.errors,
      };
      return showOffice(request, reply, id, { form }, 400);
    }
    const flag = outcome.changed.length > 0 ? 'saved' : 'unchanged';
    return reply.redirect(`/staff/offices/${id}?${flag}=${section}#${section}-heading`, 303);
  }

  app.get('/staff/offices', { config: rule() }, async (request, reply) => {
    const offices = await listOfficesForAdmin(db, authorityOf(request));
    return sendPage(
      reply,
      <OfficesAdminPage ctx={staffPageContext(request, reply)} offices={offices} />,
    );
  });

  app.get('/staff/offices/:id', { config: rule(CENTRAL) }, async (request, reply) => {
    const query = savedQuery.safeParse(request.query);
    const section = query.success ? (query.data.saved ?? query.data.unchanged) : undefined;
    const saved = section ? { section, changed: query.data?.saved !== undefined } : undefined;
    return showOffice(request, reply, officeId(request), { saved });
  });

  app.post(
    '/staff/offices/:id/address',
    {
      config: rule({
        ...CENTRAL,
        body: {
          name: 'Welcome Center im Rathaus',
          street: 'Am Marktplatz 1',
          postalCode: '30159',
          city: 'Musterstadt',
        },
      }),
    },
    async (request, reply) => {
      const id = officeId(request);
      const parsed = addressSchema.safeParse(request.body ?? {});
      if (!parsed.success) {
        return answer(request, reply, 'address', id, {
          kind: 'invalid',
          errors: toFormErrors(parsed.error),
        });
      }
      const outcome = await saveOfficeAddress(
        db,
        authorityOf(request),
        id,
        parsed.data,
        recorder(request),
      );
      return answer(request, reply, 'address', id, outcome);
    },
  );

  app.post(
    '/staff/offices/:id/hours',
    { config: rule({ ...CENTRAL, body: { h1_0_opens: '08:00', h1_0_closes: '13:00' } }) },
    async (request, reply) => {
      const id = officeId(request);
      const parsed = parseHours(request.body);
      if (!parsed.ok)
        return answer(request, reply, 'hours', id, { kind: 'invalid', errors: parsed.errors });
      const outcome = await saveOpeningHours(
        db,
        authorityOf(request),
        id,
        parsed.hours,
        recorder(request),
      );
      return answer(request, reply, 'hours', id, outcome);
    },
  );

  app.post(
    '/staff/offices/:id/accessibility',
    { config: rule({ ...CENTRAL, body: { wheelchair: 'yes' } }) },
    async (request, reply) => {
      const id = officeId(request);
      const parsed = accessibilitySchema.safeParse(request.body ?? {});
      if (!parsed.success) {
        return answer(request, reply, 'accessibility', id, {
          kind: 'invalid',
          errors: toFormErrors(parsed.error),
        });
      }
      const outcome = await saveOfficeAccessibility(
        db,
        authorityOf(request),
        id,
        parsed.data,
        recorder(request),
      );
      return answer(request, reply, 'accessibility', id, outcome);
    },
  );

  app.post(
    '/staff/offices/:id/languages',
    { config: rule({ ...CENTRAL, body: { languages: 'de' } }) },
    async (request, reply) => {
      const id = officeId(request);
      const parsed = parseLanguages(request.body);
      if (!parsed.success) {
        return answer(request, reply, 'languages', id, {
          kind: 'invalid',
          errors: toFormErrors(parsed.error),
        });
      }
      const outcome = await saveOfficeLanguages(
        db,
        authorityOf(request),
        id,
        parsed.data.languages,
        recorder(request),
      );
      return answer(request, reply, 'languages', id, outcome);
    },
  );
}
