import { mergeStates } from '../../platform/i18n/content.ts';
import { TranslationNotice } from '../../platform/ui/components.tsx';
import type { PageContext } from '../../platform/ui/context.ts';
import { Layout } from '../../platform/ui/layout.tsx';
import type { Concern } from '../service.ts';
import { ConcernList } from './concern-list.tsx';
import { SearchForm } from './search-form.tsx';

export function ConcernsPage({ ctx, concerns }: { ctx: PageContext; concerns: Concern[] }) {
  const title = ctx.t('concerns.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="lead">{ctx.t('concerns.intro')}</p>
      <SearchForm ctx={ctx} />
      <TranslationNotice ctx={ctx} state={mergeStates(concerns.map((c) => c.state))} />
      <ConcernList ctx={ctx} concerns={concerns} />
    </Layout>
  );
}
