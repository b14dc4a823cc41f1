import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/errors.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import {
  auditChange,
  auditRead,
  requireStaff,
  staffPageContext,
  type RouteExample,
} from '../platform/policy/guard.ts';
import { sendPage } from '../platform/ui/render.ts';
import { readAccountAction, readAccountForm, readUsernameQuery } from './admin-schema.ts';
import {
  accountScopes,
  accountsOverview,
  accountToEdit,
  actOnAccount,
  createAccount,
  updateAccount,
  type AccountAction,
  type AdminActor,
  type AdminDeps,
} from './admin-service.ts';
import {
  AccountsPage,
  ConfirmPage,
  CreatedPage,
  EditAccountPage,
  formOf,
  NewAccountPage,
} from './views/admin.tsx';

// Staff administration (/staff/accounts, action staff.manage). An account is named by its
// user name (unique in the authority) in the query or the form, never by a path segment:
// the generated policy test can then send each route a working example with the demo data.

const rule = (example: RouteExample) => ({
  staff: { action: 'staff.manage' as const, purpose: 'staff administration', example },
});

/** The demo reception account exactly as seeded: saving it changes nothing. */
const UNCHANGED_EMPFANG = {
  user: 'empfang',
  displayName: 'Erika Empfang',
  email: '',
  grant: 'reception:office:central',
  'lang-0': 'de',
  'level-0': 'native',
  'lang-1': 'tr',
  'level-1': 'C1',
};

function actorOf(request: FastifyRequest): AdminActor {
  return {
    principal: requireStaff(request),
    auditRead: (db, subject, fields, details) => auditRead(db, request, subject, fields, details),
    auditChange: (db, subject, details, fields) =>
      auditChange(db, request, subject, details, fields),
  };
}

const queryOf = (request: FastifyRequest) =>
  (request.query as Record<string, unknown> | undefined) ?? {};

export async function staffAdminRoutes(app: FastifyInstance, deps: AdminDeps) {
  app.get('/staff/accounts', { config: rule({}) }, async (request, reply) => {
    const ctx = staffPageContext(request, reply);
    const { members, scopes } = await accountsOverview(deps, actorOf(request), ctx.lang);
    return sendPage(reply, <AccountsPage ctx={ctx} members={members} scopes={scopes} />);
  });

  app.get('/staff/accounts/new', { config: rule({}) }, async (request, reply) => {
    const ctx = staffPageContext(request, reply);
    const scopes = await accountScopes(deps, requireStaff(request).authorityId, ctx.lang);
    return sendPage(reply, <NewAccountPage ctx={ctx} form={formOf()} scopes={scopes} />);
  });

  app.post(
    '/staff/accounts/new',
    {
      config: rule({
        body: {
          user: 'beispiel',
          displayName: 'Beispiel Konto',
          grant: 'caseworker:office:north',
          'lang-0': 'de',
          'level-0': 'native',
        },
      }),
    },
    async (request, reply) => {
      const ctx = staffPageContext(request, reply);
      const form = readAccountForm(request.body);
      const outcome = await createAccount(deps, actorOf(request), form, {
        issuer: requireAuthority(request).name,
        lang: ctx.lang,
      });
      if (outcome.kind === 'invalid') {
        return sendPage(
          reply,
          <NewAccountPage
            ctx={ctx}
            form={form}
            scopes={outcome.scopes}
            problems={outcome.problems}
          />,
          400,
        );
      }
      // The one-time password is in this answer only (the guard sends it with no-store).
      return sendPage(reply, <CreatedPage ctx={ctx} created={outcome} />);
    },
  );

  app.get(
    '/staff/accounts/edit',
    { config: rule({ query: 'user=empfang' }) },
    async (request, reply) => {
      const ctx = staffPageContext(request, reply);
      const username = readUsernameQuery(request.query);
      const found = username && (await accountToEdit(deps, actorOf(request), username, ctx.lang));
      if (!found) throw new AppError('NOT_FOUND');
      const done = queryOf(request).done;
      return sendPage(
        reply,
        <EditAccountPage
          ctx={ctx}
          member={found.member}
          scopes={found.scopes}
          form={formOf(found.member)}
          notice={typeof done === 'string' ? done : undefined}
        />,
      );
    },
  );

  app.post(
    '/staff/accounts/edit',
    { config: rule({ body: UNCHANGED_EMPFANG }) },
    async (request, reply) => {
      const ctx = staffPageContext(request, reply);
      const form = readAccountForm(request.body);
      const outcome = await updateAccount(deps, actorOf(request), form, ctx.lang);
      if (outcome.kind === 'notFound') throw new AppError('NOT_FOUND');
      if (outcome.kind === 'invalid') {
        return sendPage(
          reply,
          <EditAccountPage
            ctx={ctx}
            member={outcome.member}
            scopes={outcome.scopes}
            form={form}
            problems={outcome.problems}
          />,
          400,
        );
      }
      return reply.redirect(
        `/staff/accounts/edit?user=${encodeURIComponent(outcome.username)}&done=saved`,
        303,
      );
    },
  );

  const actionRoute = (path: string, action: AccountAction) =>
    app.post(
      `/staff/accounts/${path}`,
      // Without confirm=yes the answer is the confirmation page, so the example changes nothing.
      { config: rule({ body: { user: 'empfang' } }) },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const ctx = staffPageContext(request, reply);
        const outcome = await actOnAccount(
          deps,
          actorOf(request),
          { action, ...readAccountAction(request.body) },
          ctx.lang,
        );
        switch (outcome.kind) {
          case 'notFound':
            throw new AppError('NOT_FOUND');
          case 'confirm':
            return sendPage(
              reply,
              <ConfirmPage ctx={ctx} member={outcome.member} action={outcome.action} />,
            );
          case 'refused':
            return sendPage(
              reply,
              <EditAccountPage
                ctx={ctx}
                member={outcome.member}
                scopes={outcome.scopes}
                form={formOf(outcome.member)}
                problems={{ action: outcome.problem }}
              />,
              409,
            );
          case 'done':
            return reply.redirect(
              `/staff/accounts/edit?user=${encodeURIComponent(outcome.username)}&done=${outcome.notice}`,
              303,
            );
        }
      },
    );
  actionRoute('deactivate', 'deactivate');
  actionRoute('reactivate', 'reactivate');
  actionRoute('reset-second-factor', 'resetSecondFactor');
  actionRoute('end-sessions', 'endSessions');
}
