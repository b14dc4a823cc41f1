import { Layout } from '../../platform/ui/layout.tsx';
import { TranslationNotice } from '../../platform/ui/components.tsx';
import { href, type PageContext } from '../../platform/ui/context.ts';
import { mergeStates } from '../../platform/i18n/content.ts';
import type { Office } from '../service.ts';
import { Address, OfficeName } from './office-parts.tsx';

export function OfficesPage({ ctx, offices }: { ctx: PageContext; offices: Office[] }) {
  const title = ctx.t('offices.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <TranslationNotice ctx={ctx} state={mergeStates(offices.map((o) => o.state))} />
      <ul class="cards">
        {offices.map((office) => (
          <li key={office.id} class="card">
            <h2>
              <a href={href(ctx, `/offices/${office.id}`)}>
                <OfficeName ctx={ctx} office={office} />
              </a>
            </h2>
            <Address office={office} />
          </li>
        ))}
      </ul>
    </Layout>
  );
}
