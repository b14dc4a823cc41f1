import type { ComponentChildren } from 'preact';
import type { StaffPageContext } from '../policy/guard.ts';
import { STAFF_LANGUAGES } from '../i18n/staff-messages.ts';
import { assetUrl } from './assets.ts';

// The staff area's frame: its name, the links the signed-in roles may use, the language
// switch (German, English), the signed-in name and sign-out. No script; printable (the
// navigation and forms hide in print).

type Props = { ctx: StaffPageContext; title: string; children: ComponentChildren };

export function StaffLayout({ ctx, title, children }: Props) {
  const { t, principal } = ctx;
  return (
    <html lang={ctx.lang} dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} – ${t('layout.area')}`}</title>
        <link rel="stylesheet" href={assetUrl('styles.css')} />
        <link rel="stylesheet" href={assetUrl('staff.css')} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
      </head>
      <body class="staff">
        <a class="skip-link" href="#main">
          {t('layout.skipToContent')}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href="/staff">
              {t('layout.area')}
            </a>
            <nav aria-label={t('layout.languages')} class="staff-languages no-print">
              <ul>
                {STAFF_LANGUAGES.map((lang) => (
                  <li key={lang}>
                    <a
                      href={ctx.languageHref(lang)}
                      lang={lang}
                      hreflang={lang}
                      aria-current={lang === ctx.lang ? 'true' : undefined}
                    >
                      {t(`layout.language.${lang}`)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
          {principal && (
            <nav class="wrap main-nav no-print" aria-label={t('layout.navigation')}>
              <ul>
                {ctx.navigation.map((item) => (
                  <li key={item.path}>
                    <a href={item.path} aria-current={ctx.path === item.path ? 'page' : undefined}>
                      {t(item.label)}
                    </a>
                  </li>
                ))}
                <li>
                  <a
                    href="/staff/account"
                    aria-current={ctx.path === '/staff/account' ? 'page' : undefined}
                  >
                    {t('layout.account')}
                  </a>
                </li>
              </ul>
            </nav>
          )}
          {principal && (
            <div class="wrap staff-bar no-print">
              <p>{t('layout.signedInAs', { name: principal.displayName })}</p>
              <form method="post" action="/staff/sign-out">
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <button type="submit" class="button-link">
                  {t('layout.signOut')}
                </button>
              </form>
            </div>
          )}
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

/** Messages of a form's fields, shown above the form and beside each field. */
export function StaffErrorSummary({
  ctx,
  errors,
}: {
  ctx: StaffPageContext;
  errors: Record<string, string>;
}) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <h2>{ctx.t('layout.errorSummary')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}
