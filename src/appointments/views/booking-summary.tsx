import type { ResolvedText } from '../../platform/i18n/content.ts';
import type { PersonDetails } from '../service.ts';
import { Text } from '../../platform/ui/components.tsx';
import type { PageContext } from '../../platform/ui/context.ts';
import { formatClock, formatDate, formatLongDay, languageName } from '../../platform/ui/format.ts';
import { SummaryList, type SummaryRow } from '../../platform/ui/forms.tsx';
import { getLanguage } from '../../platform/i18n/languages.ts';

export type AppointmentView = PersonDetails & {
  concernTitle: ResolvedText | undefined;
  officeName: ResolvedText | undefined;
  officeAddress: string;
  startsAt: Date;
  timeZone: string;
};

type Props = {
  ctx: PageContext;
  view: AppointmentView;
  change?: Partial<Record<'concern' | 'office' | 'time' | 'details', string>>;
};

export function AppointmentSummary({ ctx, view, change = {} }: Props) {
  const { t } = ctx;
  const tag = ctx.lang.tag;
  const changeLink = (href: string | undefined) =>
    href ? { href, label: t('form.change') } : undefined;
  const rows: SummaryRow[] = [
    {
      key: t('booking.concern'),
      value: <Text ctx={ctx} value={view.concernTitle} />,
      ...opt(changeLink(change.concern)),
    },
    {
      key: t('booking.office'),
      value: (
        <>
          <Text ctx={ctx} value={view.officeName} />
          <br />
          <bdi>{view.officeAddress}</bdi>
        </>
      ),
      ...opt(changeLink(change.office)),
    },
    {
      key: t('booking.date'),
      value: formatDate(tag, view.startsAt, view.timeZone),
      ...opt(changeLink(change.time)),
    },
    {
      key: t('booking.time'),
      value: formatClock(tag, view.startsAt, view.timeZone),
      ...opt(changeLink(change.time)),
    },
    {
      key: t('booking.name'),
      value: <span dir="ltr">{`${view.familyName}, ${view.givenNames}`}</span>,
      ...opt(changeLink(change.details)),
    },
    {
      key: t('booking.dateOfBirth'),
      value: formatLongDay(tag, view.dateOfBirth),
      ...opt(changeLink(change.details)),
    },
    {
      key: t('booking.contact'),
      value: <span dir="ltr">{[view.email, view.phone].filter(Boolean).join(', ')}</span>,
      ...opt(changeLink(change.details)),
    },
    {
      key: t('booking.language'),
      value: getLanguage(view.language).endonym,
      ...opt(changeLink(change.details)),
    },
    {
      key: t('booking.interpreter'),
      value: view.interpreterLanguage
        ? languageName(tag, view.interpreterLanguage)
        : t('booking.none'),
      ...opt(changeLink(change.details)),
    },
  ];
  return <SummaryList rows={rows} />;
}

const opt = (change: { href: string; label: string } | undefined) => (change ? { change } : {});
