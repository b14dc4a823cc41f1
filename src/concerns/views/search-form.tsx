import { href, type PageContext } from '../../platform/ui/context.ts';

type Props = { ctx: PageContext; query?: string; error?: string };

/** A GET form: searching changes nothing, so it needs no CSRF token. */
export function SearchForm({ ctx, query = '', error }: Props) {
  const { t } = ctx;
  return (
    <form class="search" role="search" action={href(ctx, '/search')} method="get" novalidate>
      <div class={error ? 'field field-error' : 'field'}>
        <label for="q">{t('search.label')}</label>
        {error && (
          <p class="error-message" id="q-error">
            <span class="visually-hidden">{t('form.errorPrefix')}: </span>
            {error}
          </p>
        )}
        <div class="search-row">
          <input
            id="q"
            name="q"
            type="search"
            value={query}
            autocomplete="off"
            aria-describedby={error ? 'q-error' : undefined}
            aria-invalid={error ? 'true' : undefined}
          />
          <button type="submit">{t('search.button')}</button>
        </div>
      </div>
    </form>
  );
}
