import type { StaffPageContext } from '../policy/guard.ts';
import { StaffLayout } from './staff-layout.tsx';

/** The kinds of error the staff area explains, each with a title and a text in error.json. */
export const STAFF_ERROR_KINDS = [
  'badRequest',
  'formExpired',
  'unauthorized',
  'forbidden',
  'notFound',
  'conflict',
  'tooMany',
  'server',
  'unavailable',
] as const;
export type StaffErrorKind = (typeof STAFF_ERROR_KINDS)[number];

/**
 * An error under /staff in the staff area's frame and language, with its navigation when
 * someone is signed in. Like the public error page it reveals nothing internal: a title, a
 * plain sentence and, for 5xx, a reference to quote.
 */
export function StaffErrorPage({
  ctx,
  kind,
  reference,
}: {
  ctx: StaffPageContext;
  kind: StaffErrorKind;
  reference?: string | undefined;
}) {
  const { t } = ctx;
  const title = t(`error.${kind}.title`);
  return (
    <StaffLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{t(`error.${kind}.text`)}</p>
      {reference && <p>{t('error.reference', { id: reference })}</p>}
      <p>
        <a href="/staff">{t('error.backToStaff')}</a>
      </p>
    </StaffLayout>
  );
}
