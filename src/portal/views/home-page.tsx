import { ConcernList, SearchForm, type Concern } from '../../concerns/index.ts';
import { Address, OfficeName, type Office } from '../../offices/index.ts';
import { mergeStates } from '../../platform/i18n/content.ts';
import { TranslationNotice } from '../../platform/ui/components.tsx';
import { href, type PageContext } from '../../platform/ui/context.ts';
import { Layout } from '../../platform/ui/layout.tsx';

type Props = { ctx: PageContext; city: string; concerns: Concern[]; offices: Office[] };

export function HomePage({ ctx, city, concerns, offices }: Props) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={ctx.site.name} description={t('home.lead', { city })}>
      <h1>{ctx.site.name}</h1>
      <p class="lead">{t('home.lead', { city })}</p>

      <section class="access-box" aria-labelledby="access-heading">
        <h2 id="access-heading">{t('home.accessHeading')}</h2>
        <ul>
          <li>
            <a href="/de/leichte-sprache" hreflang="de">
              <span aria-hidden="true" class="icon">
                📖{' '}
              </span>
              {t('home.easyReadLink')}
            </a>
          </li>
          <li>
            <a href="/de/gebaerdensprache" hreflang="de">
              <span aria-hidden="true" class="icon">
                👐{' '}
              </span>
              {t('home.signLanguageLink')}
            </a>
          </li>
        </ul>
      </section>

      <section aria-labelledby="search-heading">
        <h2 id="search-heading">{t('home.searchHeading')}</h2>
        <SearchForm ctx={ctx} />
      </section>

      <section aria-labelledby="concerns-heading">
        <h2 id="concerns-heading">{t('home.concernsHeading')}</h2>
        <TranslationNotice ctx={ctx} state={mergeStates(concerns.map((c) => c.state))} />
        <ConcernList ctx={ctx} concerns={concerns} headingLevel={3} withSummary={false} />
        <p>
          <a href={href(ctx, '/concerns')}>{t('home.allConcerns')}</a>
        </p>
      </section>

      <section aria-labelledby="offices-heading">
        <h2 id="offices-heading">{t('home.officesHeading')}</h2>
        <ul class="cards">
          {offices.map((office) => (
            <li key={office.id} class="card">
              <h3>
                <a href={href(ctx, `/offices/${office.id}`)}>
                  <OfficeName ctx={ctx} office={office} />
                </a>
              </h3>
              <Address office={office} />
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
