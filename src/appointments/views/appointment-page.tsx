import type { PageContext } from '../../platform/ui/context.ts';
import { PostForm } from '../../platform/ui/forms.tsx';
import { Layout } from '../../platform/ui/layout.tsx';
import type { BookingStatus } from '../tables.ts';
import { AppointmentSummary, type AppointmentView } from './booking-summary.tsx';

type Props = {
  ctx: PageContext;
  kind: 'confirmation' | 'manage';
  code: string;
  status: BookingStatus;
  qrSvg: string;
  view: AppointmentView;
  documents: { lang: string | undefined; items: string[] };
  icsHref: string;
  notice?: string | undefined;
  actions?: { cancel: string; reschedule: string; csrf: string } | undefined;
};

/** The confirmation and the manage page: what to show at the door, and what to bring. */
export function AppointmentPage({
  ctx,
  kind,
  code,
  status,
  qrSvg,
  view,
  documents,
  icsHref,
  notice,
  actions,
}: Props) {
  const { t } = ctx;
  const title =
    kind === 'confirmation' ? t('booking.confirmationTitle') : t('booking.yourAppointment');
  return (
    <Layout ctx={ctx} title={title}>
      {kind === 'confirmation' ? (
        <div class="panel" role="status">
          <h1>{title}</h1>
          <p>{t('booking.yourCode')}</p>
          <p class="booking-code" dir="ltr">
            {code}
          </p>
        </div>
      ) : (
        <>
          <h1>{title}</h1>
          <p>
            {t('booking.yourCode')}: <strong dir="ltr">{code}</strong>
          </p>
        </>
      )}
      {notice && (
        <div class="notice" role="status">
          <p>{notice}</p>
        </div>
      )}
      {status !== 'active' && (
        <div class="notice" role="status">
          <p>
            {status === 'cancelled' ? t('booking.status.cancelled') : t('booking.status.completed')}
          </p>
        </div>
      )}
      <div class="qr" dangerouslySetInnerHTML={{ __html: qrSvg }} />
      <p>{t('booking.codeHint')}</p>
      <AppointmentSummary ctx={ctx} view={view} />
      <h2>{t('booking.whatToBring')}</h2>
      <ul class="checklist" lang={documents.lang}>
        {documents.items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <p>
        <a href={icsHref} download>
          {t('booking.addToCalendar')}
        </a>
      </p>
      <p class="print-hint">{t('booking.print')}</p>
      <p>{t('booking.cancelHow')}</p>
      {actions && status === 'active' && (
        <div class="actions">
          <p>
            <a href={actions.reschedule}>{t('booking.reschedule')}</a>
          </p>
          <PostForm action={actions.cancel} csrf={actions.csrf}>
            <button type="submit" class="button button-warning">
              {t('booking.cancel')}
            </button>
          </PostForm>
        </div>
      )}
    </Layout>
  );
}
