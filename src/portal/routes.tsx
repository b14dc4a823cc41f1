import type { FastifyInstance } from 'fastify';
import { listConcernsIn } from '../concerns/service.ts';
import { listOfficesIn } from '../offices/service.ts';
import type { Db } from '../platform/db/database.ts';
import { findLanguage } from '../platform/i18n/languages.ts';
import { negotiateLanguage } from '../platform/i18n/negotiate.ts';
import { notFound } from '../platform/http/errors.ts';
import { sendPage } from '../platform/ui/render.ts';
import { loadGermanPage } from './content.ts';
import { pageContext, requireAuthority } from '../platform/http/request-context.ts';
import { AccessibilityPage } from './views/accessibility-page.tsx';
import { EasyReadPage } from './views/easy-read-page.tsx';
import { HomePage } from './views/home-page.tsx';

export async function portalRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const germanPages = {
    'leichte-sprache': loadGermanPage('leichte-sprache'),
    gebaerdensprache: loadGermanPage('gebaerdensprache'),
  };

  app.get('/', async (request, reply) => {
    const lang = negotiateLanguage(request.headers['accept-language']);
    return reply.header('vary', 'accept-language').redirect(`/${lang}/`, 302);
  });

  app.get('/:lang', async (request, reply) => {
    const { lang } = request.params as { lang: string };
    if (!findLanguage(lang)) throw notFound();
    return reply.redirect(`/${lang}/`, 301);
  });

  app.get('/:lang/', async (request, reply) => {
    const ctx = pageContext(request);
    const authority = requireAuthority(request);
    const [concerns, offices] = await Promise.all([
      listConcernsIn(db, authority.id, ctx.lang.code),
      listOfficesIn(db, authority.id, ctx.lang.code),
    ]);
    return sendPage(
      reply,
      <HomePage ctx={ctx} city={authority.name} concerns={concerns} offices={offices} />,
    );
  });

  app.get('/:lang/accessibility', async (request, reply) => {
    const ctx = pageContext(request);
    const authority = requireAuthority(request);
    return sendPage(
      reply,
      <AccessibilityPage
        ctx={ctx}
        createdOn={authority.accessibilityStatementDate}
        conciliationUrl={authority.conciliationUrl}
      />,
    );
  });

  // Leichte Sprache and Deutsche Gebärdensprache exist only in German.
  for (const name of ['leichte-sprache', 'gebaerdensprache'] as const) {
    app.get(`/:lang/${name}`, async (request, reply) => {
      const ctx = pageContext(request);
      if (ctx.lang.code !== 'de') return reply.redirect(`/de/${name}`, 302);
      return sendPage(reply, <EasyReadPage ctx={ctx} content={germanPages[name]} />);
    });
  }
}
