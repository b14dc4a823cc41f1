import type { FastifyInstance } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { href } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { pageContext, requireAuthority } from '../platform/http/request-context.ts';
import { officeParamsSchema } from './schema.ts';
import { getOffice, listConcernIdsOfferedAt, listOfficesIn } from './service.ts';
import { OfficePage, type OfferedConcern } from './views/office-page.tsx';
import { OfficesPage } from './views/offices-page.tsx';

/**
 * The concerns of the authority in the reader's language, given by the composition root:
 * offices list what they handle without depending on the concerns feature (which depends
 * on offices for "where").
 */
export type ConcernDirectory = (authorityId: string, lang: string) => Promise<OfferedConcern[]>;

export async function officeRoutes(
  app: FastifyInstance,
  { db, baseUrl, concerns }: { db: Db; baseUrl: string; concerns: ConcernDirectory },
) {
  app.get('/:lang/offices', async (request, reply) => {
    const ctx = pageContext(request);
    const offices = await listOfficesIn(db, requireAuthority(request).id, ctx.lang.code);
    return sendPage(reply, <OfficesPage ctx={ctx} offices={offices} />);
  });

  app.get('/:lang/offices/:id', async (request, reply) => {
    const ctx = pageContext(request);
    const params = officeParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound();
    const authorityId = requireAuthority(request).id;
    const office = await getOffice(db, authorityId, params.data.id, ctx.lang.code);
    if (!office) throw notFound();
    const offered = new Set(await listConcernIdsOfferedAt(db, authorityId, office.id));
    const here = (await concerns(authorityId, ctx.lang.code)).filter((c) => offered.has(c.id));
    return sendPage(
      reply,
      <OfficePage
        ctx={ctx}
        office={office}
        concerns={here}
        url={`${baseUrl}${href(ctx, `/offices/${office.id}`)}`}
      />,
    );
  });
}
