import type { FastifyInstance } from 'fastify';
import { listOfficesOffering } from '../offices/service.ts';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { href } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { pageContext, requireAuthority } from '../platform/http/request-context.ts';
import { concernParamsSchema, SEARCH_MAX_LENGTH, searchQuerySchema } from './schema.ts';
import { getConcern, listConcernsIn, searchConcerns } from './service.ts';
import { ConcernPage } from './views/concern-page.tsx';
import { ConcernsPage } from './views/concerns-page.tsx';
import { SearchPage } from './views/search-page.tsx';

export async function concernRoutes(
  app: FastifyInstance,
  { db, baseUrl }: { db: Db; baseUrl: string },
) {
  app.get('/:lang/concerns', async (request, reply) => {
    const ctx = pageContext(request);
    const concerns = await listConcernsIn(db, requireAuthority(request).id, ctx.lang.code);
    return sendPage(reply, <ConcernsPage ctx={ctx} concerns={concerns} />);
  });

  app.get('/:lang/concerns/:id', async (request, reply) => {
    const ctx = pageContext(request);
    const params = concernParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound();
    const authorityId = requireAuthority(request).id;
    const concern = await getConcern(db, authorityId, params.data.id, ctx.lang.code);
    if (!concern) throw notFound();
    const offices = await listOfficesOffering(db, authorityId, concern.id, ctx.lang.code);
    return sendPage(
      reply,
      <ConcernPage
        ctx={ctx}
        concern={concern}
        offices={offices}
        url={`${baseUrl}${href(ctx, `/concerns/${concern.id}`)}`}
        officeUrl={(id) => `${baseUrl}${href(ctx, `/offices/${id}`)}`}
      />,
    );
  });

  app.get('/:lang/search', async (request, reply) => {
    const ctx = pageContext(request);
    const parsed = searchQuerySchema.safeParse(request.query);
    if (!parsed.success) {
      const raw = (request.query as { q?: unknown }).q;
      const query = typeof raw === 'string' ? raw.slice(0, SEARCH_MAX_LENGTH * 2) : '';
      const error = ctx.t('search.error.tooLong', { max: SEARCH_MAX_LENGTH });
      return sendPage(
        reply,
        <SearchPage ctx={ctx} query={query} results={undefined} error={error} />,
        400,
      );
    }
    const { q } = parsed.data;
    const results =
      q === ''
        ? undefined
        : await searchConcerns(db, requireAuthority(request).id, q, ctx.lang.code);
    return sendPage(reply, <SearchPage ctx={ctx} query={q} results={results} />);
  });
}
