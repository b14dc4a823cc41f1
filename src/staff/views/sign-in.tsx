import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import { StaffField, StaffPostForm } from '../../platform/ui/staff-forms.tsx';
import { assetUrl } from '../../platform/ui/assets.ts';

// The sign-in pages: password, second factor, enrolment of the authenticator app, and the
// recovery codes shown once.

export type SignInOptions = {
  /** Link to the city's single sign-on, when the authority has one. */
  ssoPath?: string | undefined;
  /** Whether the passkey button is offered (it needs JavaScript; the form works without). */
  passkeys: boolean;
};

export function PasswordPage({
  ctx,
  csrf,
  next,
  signedOut = false,
  message,
  username,
  options,
}: {
  ctx: StaffPageContext;
  csrf: string;
  next: string;
  /** Just signed out: say so, so that nobody wonders whether it worked. */
  signedOut?: boolean;
  message?: string | undefined;
  username?: string | undefined;
  options: SignInOptions;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('signIn.title')}>
      <h1>{t('signIn.title')}</h1>
      {signedOut && (
        <p class="notice" role="status">
          {t('signIn.signedOut')}
        </p>
      )}
      {message && (
        <div class="error-summary" role="alert">
          <p>{message}</p>
        </div>
      )}
      {options.ssoPath && (
        <p>
          <a class="button" href={`${options.ssoPath}?next=${encodeURIComponent(next)}`}>
            {t('signIn.sso')}
          </a>
        </p>
      )}
      <StaffPostForm action={`/staff/sign-in?next=${encodeURIComponent(next)}`} csrf={csrf}>
        <StaffField
          name="username"
          label={t('signIn.username')}
          value={username}
          autocomplete="username webauthn"
        />
        <StaffField
          name="password"
          type="password"
          label={t('signIn.password')}
          autocomplete="current-password"
        />
        <button type="submit" class="button">
          {t('signIn.submit')}
        </button>
      </StaffPostForm>
      {options.passkeys && (
        <div id="passkey-sign-in" class="passkey" data-next={next} hidden>
          <h2>{t('signIn.passkeyTitle')}</h2>
          <button type="button" class="button" id="passkey-button">
            {t('signIn.passkey')}
          </button>
          <p class="error-message" id="passkey-error" role="alert" hidden>
            {t('signIn.passkeyFailed')}
          </p>
          <script type="module" src={assetUrl('passkey.js')} />
        </div>
      )}
    </StaffLayout>
  );
}

export function CodePage({
  ctx,
  csrf,
  next,
  error,
}: {
  ctx: StaffPageContext;
  csrf: string;
  next: string;
  error?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('signIn.codeTitle')}>
      <h1>{t('signIn.codeTitle')}</h1>
      <StaffErrorSummary ctx={ctx} errors={error ? { code: error } : {}} />
      <StaffPostForm action={`/staff/sign-in/code?next=${encodeURIComponent(next)}`} csrf={csrf}>
        <StaffField
          name="code"
          label={t('signIn.code')}
          hint={t('signIn.codeHint')}
          error={error}
          autocomplete="one-time-code"
        />
        <button type="submit" class="button">
          {t('signIn.confirm')}
        </button>
      </StaffPostForm>
    </StaffLayout>
  );
}

export function EnrolPage({
  ctx,
  csrf,
  qrSvg,
  secret,
  needsPassword,
  errors,
}: {
  ctx: StaffPageContext;
  csrf: string;
  qrSvg: string;
  secret: string;
  needsPassword: boolean;
  errors: Record<string, string>;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('enrol.title')}>
      <h1>{t('enrol.title')}</h1>
      <StaffErrorSummary ctx={ctx} errors={errors} />
      <StaffPostForm action="/staff/sign-in/enrol" csrf={csrf}>
        {needsPassword && (
          <fieldset>
            <legend>{t('enrol.passwordLegend')}</legend>
            <StaffField
              name="newPassword"
              type="password"
              label={t('enrol.newPassword')}
              hint={t('enrol.passwordHint')}
              error={errors.newPassword}
              autocomplete="new-password"
            />
            <StaffField
              name="repeatPassword"
              type="password"
              label={t('enrol.repeatPassword')}
              error={errors.repeatPassword}
              autocomplete="new-password"
            />
          </fieldset>
        )}
        <fieldset>
          <legend>{t('enrol.totpLegend')}</legend>
          <p>{t('enrol.scan')}</p>
          {/* The QR code is an SVG made on the server from the otpauth URI; no script. */}
          <div
            class="qr"
            role="img"
            aria-label={t('enrol.qrLabel')}
            dangerouslySetInnerHTML={{ __html: qrSvg }}
          />
          <p>
            {t('enrol.manual')} <code class="secret">{secret}</code>
          </p>
          <StaffField
            name="code"
            label={t('enrol.code')}
            error={errors.code}
            autocomplete="one-time-code"
            inputmode="numeric"
          />
        </fieldset>
        <button type="submit" class="button">
          {t('enrol.submit')}
        </button>
      </StaffPostForm>
    </StaffLayout>
  );
}

export function RecoveryCodesPage({
  ctx,
  codes,
  next,
}: {
  ctx: StaffPageContext;
  codes: string[];
  next: string;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('recovery.title')}>
      <h1>{t('recovery.title')}</h1>
      <p>{t('recovery.explain')}</p>
      <ul class="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={next}>
          {t('recovery.continue')}
        </a>
      </p>
    </StaffLayout>
  );
}
