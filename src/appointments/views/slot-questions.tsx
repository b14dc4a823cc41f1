import type { PageContext } from '../../platform/ui/context.ts';
import {
  formatClock,
  formatDay,
  formatTime,
  localDay,
  weekdayName,
} from '../../platform/ui/format.ts';
import type { Policy, Slot } from '../service.ts';
import { QuestionPage } from './question-page.tsx';

// The day and time questions that booking and moving share, and the "just taken" page.

type Form = { action: string; csrf: string; back?: string | undefined };

function ReleaseHint({ ctx, policy }: { ctx: PageContext; policy: Policy | undefined }) {
  if (policy?.releaseMode !== 'weekly' || !policy.releaseWeekday || !policy.releaseTime)
    return null;
  return (
    <p>
      {ctx.t('booking.weeklyRelease', {
        weekday: weekdayName(ctx.lang.tag, policy.releaseWeekday),
        time: formatTime(ctx.lang.tag, policy.releaseTime),
      })}
    </p>
  );
}

export function DayQuestion({
  ctx,
  form,
  days,
  policy,
  value,
  error,
  otherOffice,
}: {
  ctx: PageContext;
  form: Form;
  days: { day: string; free: number }[];
  policy: Policy | undefined;
  value: string | undefined;
  error: string | undefined;
  otherOffice: string | undefined;
}) {
  const { t } = ctx;
  return (
    <QuestionPage
      ctx={ctx}
      title={t('booking.dayQuestion')}
      name="day"
      value={value}
      error={error}
      back={form.back}
      action={form.action}
      csrf={form.csrf}
      hint={<ReleaseHint ctx={ctx} policy={policy} />}
      empty={
        <>
          <p>{t('booking.noDays')}</p>
          <ReleaseHint ctx={ctx} policy={policy} />
          {otherOffice && (
            <p>
              <a href={otherOffice}>{t('booking.otherOffice')}</a>
            </p>
          )}
        </>
      }
      options={days.map((d) => ({
        value: d.day,
        label: formatDay(ctx.lang.tag, d.day),
        hint: t('booking.freeTimes', { count: d.free }),
      }))}
    />
  );
}

const timeOptions = (ctx: PageContext, slots: Slot[], timeZone: string, withDay: boolean) =>
  slots.map((s) => ({
    value: s.id,
    label: withDay
      ? `${formatDay(ctx.lang.tag, localDay(s.startsAt, timeZone))}, ${formatClock(ctx.lang.tag, s.startsAt, timeZone)}`
      : formatClock(ctx.lang.tag, s.startsAt, timeZone),
  }));

export function TimeQuestion({
  ctx,
  form,
  slots,
  timeZone,
  value,
  error,
  submitLabel,
}: {
  ctx: PageContext;
  form: Form;
  slots: Slot[];
  timeZone: string;
  value: string | undefined;
  error: string | undefined;
  submitLabel?: string | undefined;
}) {
  return (
    <QuestionPage
      ctx={ctx}
      title={ctx.t('booking.timeQuestion')}
      name="slot"
      value={value}
      error={error}
      back={form.back}
      action={form.action}
      csrf={form.csrf}
      empty={
        form.back && (
          <p>
            <a href={form.back}>{ctx.t('form.back')}</a>
          </p>
        )
      }
      options={timeOptions(ctx, slots, timeZone, false)}
      {...(submitLabel ? { submitLabel } : {})}
    />
  );
}

/** Someone else was quicker: the next free times at the same office, to choose from. */
export function TakenPage({
  ctx,
  form,
  alternatives,
  timeZone,
}: {
  ctx: PageContext;
  form: Form;
  alternatives: Slot[];
  timeZone: string;
}) {
  return (
    <QuestionPage
      ctx={ctx}
      title={ctx.t('booking.takenTitle')}
      name="slot"
      action={form.action}
      csrf={form.csrf}
      hint={undefined}
      empty={<p>{ctx.t('booking.takenNone')}</p>}
      options={timeOptions(ctx, alternatives, timeZone, true)}
      submitLabel={ctx.t('form.continue')}
    />
  );
}
