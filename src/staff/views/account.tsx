import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { StaffLayout } from '../../platform/ui/staff-layout.tsx';
import { StaffPostForm } from '../../platform/ui/staff-forms.tsx';
import { formatClock, formatDate } from '../../platform/ui/format.ts';
import { assetUrl } from '../../platform/ui/assets.ts';

// The staff home (the areas the roles may use) and the own account: sessions, sign-out
// everywhere, recovery codes, passkeys. Adding a passkey needs the browser's WebAuthn, so its
// form shows only when public/passkey.js finds it; listing and removing work without script.

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
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[];
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
      <PasskeySection ctx={ctx} passkeys={overview.passkeys} />
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
        ) : overview.recoveryCodesLeft === 0 ? (
          // Accounts without codes (demo accounts, codes used up) are told what to do.
          <p class="notice">{t('account.recoveryNone')}</p>
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

function PasskeySection({
  ctx,
  passkeys,
}: {
  ctx: StaffPageContext;
  passkeys: Overview['passkeys'];
}) {
  const { t } = ctx;
  return (
    <section aria-labelledby="passkeys-title" class="passkeys">
      <h2 id="passkeys-title">{t('passkeys.title')}</h2>
      <p>{t('passkeys.explain')}</p>
      {passkeys.length === 0 ? (
        <p>{t('passkeys.none')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('passkeys.name')}</th>
              <th scope="col">{t('passkeys.created')}</th>
              <th scope="col">{t('passkeys.lastUsed')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('passkeys.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {passkeys.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>{time(ctx.lang, p.createdAt)}</td>
                <td>{p.lastUsedAt ? time(ctx.lang, p.lastUsedAt) : t('passkeys.neverUsed')}</td>
                <td>
                  <StaffPostForm
                    action={`/staff/account/passkeys/${encodeURIComponent(p.id)}/remove`}
                    csrf={ctx.csrf}
                    class="no-print"
                  >
                    <button type="submit" class="button-link">
                      {t('passkeys.remove')}
                      <span class="visually-hidden"> {p.name}</span>
                    </button>
                  </StaffPostForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint" id="passkey-unavailable">
        {t('passkeys.unavailable')}
      </p>
      {/* Shown by public/passkey.js when the browser can create passkeys. */}
      <div id="passkey-add" class="no-print" hidden>
        <h3>{t('passkeys.addTitle')}</h3>
        <StaffPostForm action="/staff/account/passkeys/options" csrf={ctx.csrf}>
          <div class="field">
            <label for="passkey-name">{t('passkeys.name')}</label>
            <p class="hint" id="passkey-name-hint">
              {t('passkeys.nameHint')}
            </p>
            <p class="error-message" id="passkey-name-error" hidden />
            <input
              id="passkey-name"
              name="name"
              type="text"
              maxlength={60}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="passkey-name-hint"
            />
          </div>
          <p
            class="error-message"
            id="passkey-add-error"
            role="alert"
            hidden
            data-failed={t('passkeys.addFailed')}
            data-exists={t('passkeys.exists')}
          />
          <button type="submit" class="button" id="passkey-add-button">
            {t('passkeys.add')}
          </button>
        </StaffPostForm>
      </div>
      <script type="module" src={assetUrl('passkey.js')} />
    </section>
  );
}
