import type { ComponentChildren } from 'preact';
import { LANGUAGES } from '../../platform/i18n/languages.ts';
import { assetUrl } from '../../platform/ui/assets.ts';
import { href, type PageContext } from '../../platform/ui/context.ts';
import { jsonLd } from '../../platform/ui/render.ts';

type LayoutProps = {
  ctx: PageContext;
  title: string;
  description?: string;
  structuredData?: unknown;
  children: ComponentChildren;
};

export function Layout({ ctx, title, description, structuredData, children }: LayoutProps) {
  const { t, lang } = ctx;
  const fullTitle = ctx.path === '/' ? ctx.site.name : `${title} – ${ctx.site.name}`;
  return (
    <html lang={lang.tag} dir={lang.rtl ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        {description && <meta name="description" content={description} />}
        <link rel="stylesheet" href={assetUrl('styles.css')} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        {LANGUAGES.map((l) => (
          <link key={l.code} rel="alternate" hreflang={l.tag} href={`/${l.code}${ctx.path}`} />
        ))}
        {structuredData !== undefined && (
          <script
            type="application/ld+json"
            dangerouslySetInnerHTML={{ __html: jsonLd(structuredData) }}
          />
        )}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('layout.skipToContent')}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href={href(ctx, '/')}>
              {ctx.site.name}
            </a>
            <LanguageSwitcher ctx={ctx} />
          </div>
          <nav class="wrap main-nav" aria-label={t('layout.mainNavigation')}>
            <ul>
              <li>
                <a href={href(ctx, '/concerns')}>{t('nav.concerns')}</a>
              </li>
              <li>
                <a href={href(ctx, '/offices')}>{t('nav.offices')}</a>
              </li>
              <li>
                <a href={href(ctx, '/search')}>{t('nav.search')}</a>
              </li>
              <li>
                <a href={href(ctx, '/book')}>{t('nav.book')}</a>
              </li>
              <li>
                <a href={href(ctx, '/manage')}>{t('nav.manage')}</a>
              </li>
            </ul>
          </nav>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <ul>
              <li>
                <a href="/de/leichte-sprache" hreflang="de">
                  {t('footer.easyRead')}
                </a>
              </li>
              <li>
                <a href="/de/gebaerdensprache" hreflang="de">
                  {t('footer.signLanguage')}
                </a>
              </li>
              <li>
                <a href={href(ctx, '/accessibility')}>{t('footer.accessibility')}</a>
              </li>
              <li>
                <a href={`mailto:${ctx.site.accessibilityEmail}`}>{t('footer.feedback')}</a>
              </li>
            </ul>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Links to this same page in every language; a <details> needs no JavaScript. */
function LanguageSwitcher({ ctx }: { ctx: PageContext }) {
  return (
    <details class="language-switcher">
      <summary>
        <span class="visually-hidden">{ctx.t('layout.chooseLanguage')}: </span>
        <GlobeIcon />
        {ctx.lang.endonym}
      </summary>
      <ul>
        {LANGUAGES.map((l) => (
          <li key={l.code}>
            <a
              href={`/${l.code}${ctx.path}`}
              lang={l.tag}
              hreflang={l.tag}
              dir={l.rtl ? 'rtl' : 'ltr'}
              aria-current={l.code === ctx.lang.code ? 'true' : undefined}
            >
              {l.endonym}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

function GlobeIcon() {
  return (
    <svg class="icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
      <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2" />
      <path
        d="M2.5 12h19M12 2.5c3 3 3 16 0 19M12 2.5c-3 3-3 16 0 19"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
      />
    </svg>
  );
}
