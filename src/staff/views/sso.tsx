import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { StaffLayout } from '../../platform/ui/staff-layout.tsx';
import type { SsoProblem } from '../oidc.ts';

// The pages of single sign-on: why it did not work and what to do instead.

/** Problems worth simply starting again (the others would end the same way). */
const RETRYABLE: SsoProblem[] = ['expired', 'invalid', 'denied', 'unavailable'];

export function SsoProblemPage({
  ctx,
  problem,
  next,
  ssoPath,
}: {
  ctx: StaffPageContext;
  problem: SsoProblem;
  next: string;
  ssoPath: string;
}) {
  const { t } = ctx;
  const title = t(`sso.${problem}.title`);
  const query = `?next=${encodeURIComponent(next)}`;
  return (
    <StaffLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{t(`sso.${problem}.text`)}</p>
      <p class="actions">
        {RETRYABLE.includes(problem) && (
          <a class="button" href={`${ssoPath}${query}`}>
            {t('sso.tryAgain')}
          </a>
        )}
        <a href={`/staff/sign-in${query}`}>{t('sso.passwordSignIn')}</a>
      </p>
    </StaffLayout>
  );
}

/**
 * Signed in: the page that takes the browser on (a Refresh header does it at once). The way
 * back from the provider began on the provider's site, and the browser keeps the session's
 * SameSite=Strict cookie from every request of that navigation, redirects included; a
 * navigation that this page starts is our own, and carries it.
 */
export function SsoContinuePage({ ctx, next }: { ctx: StaffPageContext; next: string }) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('sso.continueTitle')}>
      <h1>{t('sso.continueTitle')}</h1>
      <p>
        <a class="button" href={next}>
          {t('sso.continue')}
        </a>
      </p>
    </StaffLayout>
  );
}
