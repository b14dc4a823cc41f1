import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import { getLanguage } from '../platform/i18n/languages.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import {
  auditChange,
  requireStaff,
  staffPageContext,
  type RouteExample,
} from '../platform/policy/guard.ts';
import type { PageContext } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { formValues } from '../platform/ui/staff-validation.ts';
import {
  concernAdminParamsSchema,
  concernLanguageParamsSchema,
  concernQuerySchema,
  editorQuerySchema,
  parseDraftForm,
  publishSchema,
} from './admin-schema.ts';
import {
  concernEditor,
  concernForAdmin,
  concernPreview,
  discardConcernDraft,
  listConcernsForAdmin,
  publishConcernDraft,
  saveConcernDraft,
  type RecordChange,
} from './admin-service.ts';
import {
  ConcernAdminPage,
  ConcernEditorPage,
  ConcernPreviewPage,
  ConcernsAdminPage,
} from './views/admin.tsx';

// Concern administration (/staff/concerns): translation status, editing one language's texts
// as a draft, previewing the public page with it, publishing. Thin handlers: parse, call one
// service function, render or redirect (POST → 303 → GET; errors shown again with 4xx).

const rule = (example: RouteExample = {}) => ({
  staff: {
    action: 'concerns.manage' as const,
    purpose: 'concern administration: texts, translations, publishing',
    example,
  },
});

/** Eight languages of long texts, percent-encoded: more than the app's default body limit. */
const EDITOR_BODY_LIMIT = 512 * 1024;

export async function concernAdminRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const authorityOf = (request: FastifyRequest) => requireStaff(request).authorityId;
  const concernParams = (request: FastifyRequest) => {
    const params = concernAdminParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound();
    return params.data;
  };
  const languageParams = (request: FastifyRequest) => {
    const params = concernLanguageParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound();
    return params.data;
  };
  // The change and its audit entry share the service's transaction.
  const recorder =
    (request: FastifyRequest): RecordChange =>
    (tx, subject, details, fields) =>
      auditChange(tx, request, subject, details, fields);

  /** The public page's context in a portal language, for the preview. */
  const publicContext = (request: FastifyRequest, lang: string, id: string): PageContext => {
    const authority = requireAuthority(request);
    const t = createTranslator(lang);
    return {
      lang: getLanguage(lang),
      t,
      path: `/concerns/${id}`,
      site: {
        name: t('site.name', { city: authority.name }).trim(),
        accessibilityEmail: authority.accessibilityEmail,
      },
      navigation: request.server.siteNavigation,
    };
  };

  async function showEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    props: Pick<Parameters<typeof ConcernEditorPage>[0], 'form' | 'notice'>,
    status = 200,
  ) {
    const { id, lang } = languageParams(request);
    const view = await concernEditor(db, authorityOf(request), id, lang);
    if (!view) throw notFound();
    const ctx = staffPageContext(request, reply);
    return sendPage(reply, <ConcernEditorPage ctx={ctx} view={view} {...props} />, status);
  }

  async function showPreview(
    request: FastifyRequest,
    reply: FastifyReply,
    problem?: Parameters<typeof ConcernPreviewPage>[0]['problem'],
    status = 200,
  ) {
    const { id, lang } = languageParams(request);
    const preview = await concernPreview(db, authorityOf(request), id, lang);
    if (!preview) throw notFound();
    const ctx = staffPageContext(request, reply);
    const publicCtx = publicContext(request, lang, id);
    return sendPage(
      reply,
      <ConcernPreviewPage ctx={ctx} preview={preview} publicCtx={publicCtx} problem={problem} />,
      status,
    );
  }

  app.get('/staff/concerns', { config: rule() }, async (request, reply) => {
    const concerns = await listConcernsForAdmin(db, authorityOf(request));
    return sendPage(
      reply,
      <ConcernsAdminPage ctx={staffPageContext(request, reply)} concerns={concerns} />,
    );
  });

  app.get(
    '/staff/concerns/:id',
    { config: rule({ params: { id: 'naturalisation' } }) },
    async (request, reply) => {
      const { id } = concernParams(request);
      const query = concernQuerySchema.safeParse(request.query);
      const view = await concernForAdmin(db, authorityOf(request), id);
      if (!view) throw notFound();
      const ctx = staffPageContext(request, reply);
      const published = query.success ? query.data.published : undefined;
      return sendPage(reply, <ConcernAdminPage ctx={ctx} view={view} published={published} />);
    },
  );

  app.get(
    '/staff/concerns/:id/:lang',
    { config: rule({ params: { id: 'naturalisation', lang: 'ar' } }) },
    async (request, reply) => {
      const query = editorQuerySchema.safeParse(request.query);
      return showEditor(request, reply, { notice: query.success ? query.data.notice : undefined });
    },
  );

  app.post(
    '/staff/concerns/:id/:lang',
    {
      bodyLimit: EDITOR_BODY_LIMIT,
      config: rule({
        params: { id: 'naturalisation', lang: 'fa' },
        body: { title: 'تابعیت آلمان' },
      }),
    },
    async (request, reply) => {
      const { id, lang } = languageParams(request);
      const parsed = parseDraftForm(lang, request.body);
      const outcome = parsed.ok
        ? await saveConcernDraft(
            db,
            authorityOf(request),
            id,
            lang,
            parsed.input,
            requireStaff(request).username,
            recorder(request),
          )
        : ({ kind: 'invalid', errors: parsed.errors } as const);
      const editor = `/staff/concerns/${id}/${lang}`;
      switch (outcome.kind) {
        case 'missing':
          throw notFound();
        case 'invalid':
          return showEditor(
            request,
            reply,
            { form: { values: formValues(request.body), errors: outcome.errors } },
            400,
          );
        case 'unchanged':
          return reply.redirect(`${editor}?notice=unchanged`, 303);
        case 'saved':
          return reply.redirect(`${editor}/preview`, 303);
      }
    },
  );

  app.get(
    '/staff/concerns/:id/:lang/preview',
    { config: rule({ params: { id: 'naturalisation', lang: 'ar' } }) },
    async (request, reply) => showPreview(request, reply),
  );

  app.post(
    '/staff/concerns/:id/:lang/publish',
    {
      config: rule({
        params: { id: 'recognition', lang: 'en' },
        body: { revision: '0'.repeat(32) },
      }),
    },
    async (request, reply) => {
      const { id, lang } = languageParams(request);
      const parsed = publishSchema.safeParse(request.body ?? {});
      const outcome = parsed.success
        ? await publishConcernDraft(
            db,
            authorityOf(request),
            id,
            lang,
            parsed.data.revision,
            recorder(request),
          )
        : ({ kind: 'outdated' } as const);
      switch (outcome.kind) {
        case 'missing':
          throw notFound();
        case 'outdated':
          return showPreview(request, reply, { kind: 'outdated' }, 409);
        case 'invalid':
          return showPreview(request, reply, outcome, 400);
        case 'nothing':
          return reply.redirect(`/staff/concerns/${id}/${lang}/preview`, 303);
        case 'published':
          return reply.redirect(`/staff/concerns/${id}?published=${lang}`, 303);
      }
    },
  );

  app.post(
    '/staff/concerns/:id/:lang/discard',
    { config: rule({ params: { id: 'recognition', lang: 'uk' } }) },
    async (request, reply) => {
      const { id, lang } = languageParams(request);
      const outcome = await discardConcernDraft(
        db,
        authorityOf(request),
        id,
        lang,
        recorder(request),
      );
      if (outcome === 'missing') throw notFound();
      return reply.redirect(`/staff/concerns/${id}/${lang}?notice=discarded`, 303);
    },
  );
}
