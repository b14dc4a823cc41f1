import type { ComponentChildren } from 'preact';
import { LANGUAGES } from '../i18n/languages.ts';
import { assetUrl } from './assets.ts';
import { href, type NavigationItem, type PageContext } from './context.ts';
import { jsonLd } from './render.ts';

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
        {lang.rtl && (
          // The Arabic-script font, fetched with the page so it is there before first paint.
          <link
            rel="preload"
            href={assetUrl('fonts/noto-sans-arabic-subset.woff2')}
            as="font"
            type="font/woff2"
            crossorigin="anonymous"
          />
        )}
        <link rel="stylesheet" href={assetUrl('styles.css')} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        {LANGUAGES.filter((l) => l.hreflang).map((l) => (
          <link key={l.code} rel="alternate" hreflang={l.hreflang} href={`/${l.code}${ctx.path}`} />
        ))}
        {ctx.path === '/' && <link rel="alternate" hreflang="x-default" href="/" />}
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
              {ctx.navigation.main.map((item) => (
                <li key={item.path}>
                  <NavigationLink ctx={ctx} item={item} />
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <ul>
              {ctx.navigation.footer.map((item) => (
                <li key={item.path}>
                  <NavigationLink ctx={ctx} item={item} />
                </li>
              ))}
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

/** A page of the site; one that exists in a single language says which. */
function NavigationLink({ ctx, item }: { ctx: PageContext; item: NavigationItem }) {
  if (item.lang) {
    return (
      <a href={`/${item.lang}${item.path}`} hreflang={item.lang}>
        {ctx.t(item.label)}
      </a>
    );
  }
  return <a href={href(ctx, item.path)}>{ctx.t(item.label)}</a>;
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
