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
