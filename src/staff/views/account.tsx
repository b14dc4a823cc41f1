import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { StaffLayout } from '../../platform/ui/staff-layout.tsx';
import { StaffPostForm } from '../../platform/ui/staff-forms.tsx';
import { formatClock, formatDate } from '../../platform/ui/format.ts';

// The staff home (the areas the roles may use) and the own account: sessions, sign-out
// everywhere, recovery codes. Passkeys are added on this page by the passkey feature.

export function HomePage({ ctx }: { ctx: StaffPageContext }) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('home.title')}>
      <h1>{t('home.title')}</h1>
      {ctx.navigation.length === 0 ? (
        <p>{t('home.noAreas')}</p>
      ) : (
        <ul class="cards">
          {ctx.navigation.map((item) => (
            <li key={item.path} class="card">
              <a href={item.path}>{t(item.label)}</a>
            </li>
          ))}
        </ul>
      )}
    </StaffLayout>
  );
}

type Overview = {
  sessions: {
    id: string;
    method: string;
    createdAt: Date;
    lastSeenAt: Date;
    userAgent: string;
    current: boolean;
  }[];
  recoveryCodesLeft: number;
};

const time = (lang: string, date: Date) =>
  `${formatDate(lang, date, 'Europe/Berlin')} ${formatClock(lang, date, 'Europe/Berlin')}`;

export function AccountPage({
  ctx,
  overview,
  recoveryCodes,
}: {
  ctx: StaffPageContext;
  overview: Overview;
  recoveryCodes?: string[] | undefined;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('account.title')}>
      <h1>{t('account.title')}</h1>
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t('account.sessions')}</h2>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('account.method')}</th>
              <th scope="col">{t('account.since')}</th>
              <th scope="col">{t('account.lastSeen')}</th>
              <th scope="col">{t('account.browser')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  {t(`account.method.${s.method}`)}
                  {s.current && ` (${t('account.current')})`}
                </td>
                <td>{time(ctx.lang, s.createdAt)}</td>
                <td>{time(ctx.lang, s.lastSeenAt)}</td>
                <td>{s.userAgent.slice(0, 80)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <StaffPostForm action="/staff/account/sign-out-everywhere" csrf={ctx.csrf}>
          <button type="submit" class="button">
            {t('account.signOutEverywhere')}
          </button>
        </StaffPostForm>
      </section>
      <section aria-labelledby="recovery-title">
        <h2 id="recovery-title">{t('account.recoveryCodes')}</h2>
        {recoveryCodes ? (
          <>
            <p role="status">{t('account.recoveryNew')}</p>
            <ul class="recovery-codes">
              {recoveryCodes.map((code) => (
                <li key={code}>
                  <code>{code}</code>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t('account.recoveryLeft', { count: overview.recoveryCodesLeft })}</p>
        )}
        <StaffPostForm action="/staff/account/recovery-codes" csrf={ctx.csrf}>
          <button type="submit" class="button">
            {t('account.recoveryRenew')}
          </button>
        </StaffPostForm>
      </section>
    </StaffLayout>
  );
}
