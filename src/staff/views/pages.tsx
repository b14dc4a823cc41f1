import type { ComponentChildren } from 'preact';
import type { Booking } from '../../appointments/service.ts';
import type { Translate } from '../../platform/i18n/messages.ts';
import { assetUrl } from '../../platform/ui/assets.ts';
import { formatClock, formatDay, languageName } from '../../platform/ui/format.ts';
import { getLanguage } from '../../platform/i18n/languages.ts';

function StaffLayout({
  t,
  title,
  children,
}: {
  t: Translate;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <html lang="de" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="stylesheet" href={assetUrl('styles.css')} />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('layout.skipToContent')}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <span class="brand">{t('staff.area')}</span>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

export function LoginPage({ t, csrf, failed }: { t: Translate; csrf: string; failed: boolean }) {
  return (
    <StaffLayout t={t} title={t('staff.loginTitle')}>
      <h1>{t('staff.loginTitle')}</h1>
      {failed && (
        <div class="error-summary" role="alert">
          <p>{t('staff.loginFailed')}</p>
        </div>
      )}
      <form method="post" action="/staff/login" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <div class="field">
          <label for="username">{t('staff.username')}</label>
          <input
            id="username"
            name="username"
            type="text"
            autocomplete="username"
            spellcheck={false}
          />
        </div>
        <div class="field">
          <label for="password">{t('staff.password')}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" />
        </div>
        <button type="submit" class="button">
          {t('staff.login')}
        </button>
      </form>
    </StaffLayout>
  );
}

type DayProps = {
  t: Translate;
  staffName: string;
  offices: { id: string; name: string }[];
  officeId: string;
  day: string;
  timeZone: string;
  concernTitles: Record<string, string>;
  bookings: Booking[];
  csrf: string;
};

export function DayPage({
  t,
  staffName,
  offices,
  officeId,
  day,
  timeZone,
  concernTitles,
  bookings,
  csrf,
}: DayProps) {
  const title = t('staff.dayTitle', { date: formatDay('de', day) });
  const office = offices.find((o) => o.id === officeId);
  return (
    <StaffLayout t={t} title={title}>
      <p class="staff-bar">{t('staff.signedInAs', { name: staffName })}</p>
      <form method="post" action="/staff/logout" class="staff-logout">
        <input type="hidden" name="_csrf" value={csrf} />
        <button type="submit" class="button-link">
          {t('staff.logout')}
        </button>
      </form>
      <form method="get" action="/staff" class="staff-filter" novalidate>
        <div class="field">
          <label for="office">{t('staff.office')}</label>
          <select id="office" name="office">
            {offices.map((o) => (
              <option key={o.id} value={o.id} selected={o.id === officeId}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="day">{t('staff.day')}</label>
          <input id="day" name="day" type="date" value={day} />
        </div>
        <button type="submit" class="button">
          {t('staff.show')}
        </button>
      </form>
      <h1>
        {title}
        {office ? ` – ${office.name}` : ''}
      </h1>
      <p>{t('staff.count', { count: bookings.length })}</p>
      {bookings.length === 0 ? (
        <p>{t('staff.noAppointments')}</p>
      ) : (
        <table class="day-table">
          <thead>
            <tr>
              <th scope="col">{t('staff.time')}</th>
              <th scope="col">{t('staff.concern')}</th>
              <th scope="col">{t('staff.name')}</th>
              <th scope="col">{t('staff.language')}</th>
              <th scope="col">{t('staff.interpreter')}</th>
              <th scope="col">{t('booking.code')}</th>
            </tr>
          </thead>
          <tbody>
            {bookings.map((b) => (
              <tr key={b.id}>
                <td>{formatClock('de', b.startsAt, timeZone)}</td>
                <td>{concernTitles[b.concernId] ?? b.concernId}</td>
                <td>{`${b.familyName}, ${b.givenNames}`}</td>
                <td>{getLanguage(b.language).endonym}</td>
                <td>{b.interpreterLanguage ? languageName('de', b.interpreterLanguage) : '–'}</td>
                <td>{b.code}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="print-hint">{t('staff.print')}</p>
    </StaffLayout>
  );
}
