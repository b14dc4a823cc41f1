import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAuthority } from '../platform/http/request-context.ts';
import { requireStaff, staffPageContext } from '../platform/policy/guard.ts';
import { sendPage } from '../platform/ui/render.ts';
import type { Db } from '../platform/db/database.ts';
import { filterParams, readTrailFilter } from './schema.ts';
import {
  exportAuditTrail,
  searchAuditTrail,
  verifyAuditTrail,
  type TrailViewer,
} from './service.ts';
import { AuditPage, VerifyPage } from './views/audit.tsx';

// The audit trail screen (/staff/audit): the data-protection officer's search (audit.read),
// its CSV export (audit.export, a POST: it writes an entry of its own) and the chain check.

const PURPOSE = 'data protection supervision';

function viewerOf(request: FastifyRequest): TrailViewer {
  const principal = requireStaff(request);
  return {
    authorityId: principal.authorityId,
    timeZone: requireAuthority(request).timeZone,
    actor: { id: principal.staffId, name: principal.username },
    purpose: PURPOSE,
    requestId: request.id,
  };
}

export async function auditTrailRoutes(app: FastifyInstance, deps: { db: Db }) {
  const { db } = deps;

  app.get(
    '/staff/audit',
    {
      config: {
        staff: { action: 'audit.read', purpose: PURPOSE, example: { query: 'action=sign_in' } },
      },
    },
    async (request, reply) => {
      const ctx = staffPageContext(request, reply);
      const { form, filter, problems, page } = readTrailFilter(request.query);
      const viewer = viewerOf(request);
      // Nothing is searched (or recorded) until the form is valid.
      const result = filter ? await searchAuditTrail(db, viewer, filter, page) : undefined;
      return sendPage(
        reply,
        <AuditPage
          ctx={ctx}
          form={form}
          problems={problems}
          result={result}
          params={filter ? filterParams(filter) : {}}
          timeZone={viewer.timeZone}
        />,
        filter ? 200 : 400,
      );
    },
  );

  app.post(
    '/staff/audit/export',
    {
      config: {
        staff: {
          action: 'audit.export',
          purpose: PURPOSE,
          example: { body: { action: 'sign_in' } },
        },
      },
    },
    async (request, reply) => {
      const { form, filter, problems } = readTrailFilter(request.body);
      const viewer = viewerOf(request);
      if (!filter) {
        const ctx = staffPageContext(request, reply);
        return sendPage(
          reply,
          <AuditPage
            ctx={ctx}
            form={form}
            problems={problems}
            params={{}}
            timeZone={viewer.timeZone}
          />,
          400,
        );
      }
      const csv = await exportAuditTrail(db, viewer, filter);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csv.filename}"`)
        .send(csv.stream);
    },
  );

  app.get(
    '/staff/audit/verify',
    { config: { staff: { action: 'audit.read', purpose: PURPOSE, example: {} } } },
    async (request, reply) => {
      const ctx = staffPageContext(request, reply);
      const check = await verifyAuditTrail(db, requireStaff(request).authorityId);
      return sendPage(reply, <VerifyPage ctx={ctx} check={check} />);
    },
  );
}
