import { mergeStates } from '../../platform/i18n/content.ts';
import { TranslationNotice } from '../../platform/ui/components.tsx';
import { ErrorSummary } from '../../platform/ui/forms.tsx';
import type { PageContext } from '../../platform/ui/context.ts';
import { Layout } from '../../platform/ui/layout.tsx';
import type { Concern } from '../service.ts';
import { ConcernList } from './concern-list.tsx';
import { SearchForm } from './search-form.tsx';

type Props = { ctx: PageContext; query: string; results: Concern[] | undefined; error?: string };

export function SearchPage({ ctx, query, results, error }: Props) {
  const { t } = ctx;
  const title = query && results ? t('search.resultsTitle', { query }) : t('search.title');
  return (
    <Layout ctx={ctx} title={error ? `${t('form.errorPrefix')}: ${title}` : title}>
      <h1>{t('search.title')}</h1>
      <ErrorSummary ctx={ctx} errors={error ? { q: error } : {}} />
      <SearchForm ctx={ctx} query={query} {...(error ? { error } : {})} />
      {results && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{t('search.resultCount', { count: results.length })}</h2>
          {results.length === 0 ? (
            <p>{t('search.noResults')}</p>
          ) : (
            <>
              <TranslationNotice ctx={ctx} state={mergeStates(results.map((c) => c.state))} />
              <ConcernList ctx={ctx} concerns={results} headingLevel={3} />
            </>
          )}
        </section>
      )}
    </Layout>
  );
}
