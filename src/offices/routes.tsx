import type { FastifyInstance } from 'fastify';
import { listConcernsIn } from '../concerns/service.ts';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { href } from '../platform/ui/context.ts';
import { sendPage } from '../platform/ui/render.ts';
import { pageContext, requireAuthority } from '../portal/context.ts';
import { officeParamsSchema } from './schema.ts';
import { getOffice, listConcernIdsOfferedAt, listOfficesIn } from './service.ts';
import { OfficePage } from './views/office-page.tsx';
import { OfficesPage } from './views/offices-page.tsx';

export async function officeRoutes(
  app: FastifyInstance,
  { db, baseUrl }: { db: Db; baseUrl: string },
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
    const concerns = (await listConcernsIn(db, authorityId, ctx.lang.code))
      .filter((c) => offered.has(c.id))
      .map((c) => ({ id: c.id, title: c.texts.title }));
    return sendPage(
      reply,
      <OfficePage
        ctx={ctx}
        office={office}
        concerns={concerns}
        url={`${baseUrl}${href(ctx, `/offices/${office.id}`)}`}
      />,
    );
  });
}
