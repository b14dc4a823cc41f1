import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { formatClock, formatDay, languageName } from '../../platform/ui/format.ts';
import { StaffField, StaffPostForm, StaffSelect } from '../../platform/ui/staff-forms.tsx';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import type { DayAppointment } from '../bookings.repository.ts';
import type { DayPage } from '../day.service.ts';

// The day view: one office, one day, optionally one concern. Printable as a list for the
// desk (filter and buttons hide in print); the booking code shows its last three characters
// only. Reception marks arrival and no-show with one button per row, by keyboard as well.

export type DayNotice = 'arrived' | 'no_show' | 'expected' | 'unchanged';

export function StaffDayPage({
  ctx,
  page,
  notice,
}: {
  ctx: StaffPageContext;
  page: DayPage;
  notice?: DayNotice | undefined;
}) {
  const { t, lang } = ctx;
  const office = page.offices.find((o) => o.id === page.officeId);
  const heading =
    office && page.day
      ? t('day.heading', { office: office.name, day: formatDay(lang, page.day) })
      : t('day.title');
  const errors = Object.fromEntries(
    Object.entries(page.errors).map(([field, key]) => [
      field,
      t(key, { from: formatDay(lang, page.range.from), to: formatDay(lang, page.range.to) }),
    ]),
  );
  return (
    <StaffLayout ctx={ctx} title={heading}>
      <h1>{heading}</h1>
      <StaffErrorSummary ctx={ctx} errors={errors} />
      {notice && (
        <p class="notice" role="status">
          {t(`day.notice.${notice}`)}
        </p>
      )}
      {page.offices.length === 0 ? (
        <p>{t('day.noOffices')}</p>
      ) : (
        <form method="get" action="/staff/day" class="filter day-filter" novalidate>
          <StaffSelect
            name="office"
            label={t('day.office')}
            value={page.officeId}
            options={page.offices.map((o) => ({ value: o.id, label: o.name }))}
          />
          <StaffField
            name="day"
            type="date"
            label={t('day.day')}
            value={page.dayValue}
            error={errors.day}
          />
          <StaffSelect
            name="concern"
            label={t('day.concern')}
            value={page.concernId ?? ''}
            options={[
              { value: '', label: t('day.allConcerns') },
              ...page.concerns.map((c) => ({ value: c.id, label: c.title })),
            ]}
          />
          <button type="submit">{t('day.show')}</button>
        </form>
      )}
      {page.day && office && <DayList ctx={ctx} page={page} day={page.day} />}
    </StaffLayout>
  );
}

function DayList({ ctx, page, day }: { ctx: StaffPageContext; page: DayPage; day: string }) {
  const { t } = ctx;
  const concern = page.concerns.find((c) => c.id === page.concernId);
  if (page.appointments.length === 0) {
    return <p>{concern ? t('day.noneOfConcern', { concern: concern.title }) : t('day.none')}</p>;
  }
  return (
    <table class="data day-list">
      <caption>
        {concern
          ? t('day.countOfConcern', { count: page.appointments.length, concern: concern.title })
          : t('day.count', { count: page.appointments.length })}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('day.column.time')}</th>
          <th scope="col">{t('day.column.concern')}</th>
          <th scope="col">{t('day.column.name')}</th>
          <th scope="col">{t('day.column.language')}</th>
          <th scope="col">{t('day.column.interpreter')}</th>
          <th scope="col">{t('day.column.code')}</th>
          <th scope="col">{t('day.column.status')}</th>
          {page.mayMark && (
            <th scope="col" class="no-print">
              {t('day.column.attendance')}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {page.appointments.map((appointment) => (
          <Row
            key={appointment.id}
            ctx={ctx}
            page={page}
            day={day}
            appointment={appointment}
            concern={page.concerns.find((c) => c.id === appointment.concernId)?.title}
          />
        ))}
      </tbody>
    </table>
  );
}

function Row({
  ctx,
  page,
  day,
  appointment: a,
  concern,
}: {
  ctx: StaffPageContext;
  page: DayPage;
  day: string;
  appointment: DayAppointment;
  concern: string | undefined;
}) {
  const { t, lang } = ctx;
  const name = `${a.familyName}, ${a.givenNames}`;
  const clock = (instant: Date) => formatClock(lang, instant, page.timeZone);
  const status = a.arrivedAt
    ? t('day.status.arrived', { time: clock(a.arrivedAt) })
    : a.noShowAt
      ? t('day.status.noShow')
      : t('day.status.expected');
  const started = a.startsAt.getTime() <= page.now.getTime();
  return (
    <tr id={`booking-${a.id}`} tabindex={-1}>
      <td>{clock(a.startsAt)}</td>
      <td>{concern ?? a.concernId}</td>
      <td>{name}</td>
      <td>{languageName(lang, a.language)}</td>
      <td>
        {a.interpreterLanguage
          ? t('day.interpreter', { language: languageName(lang, a.interpreterLanguage) })
          : t('day.noInterpreter')}
      </td>
      <td>
        <span aria-hidden="true">…</span>
        <span class="visually-hidden">{t('day.codeEndsWith')} </span>
        <code>{a.codeEnd}</code>
      </td>
      <td>{status}</td>
      {page.mayMark && (
        <td class="no-print">
          <StaffPostForm action="/staff/day/attendance" csrf={ctx.csrf} class="attendance">
            <input type="hidden" name="booking" value={a.id} />
            <input type="hidden" name="office" value={page.officeId} />
            <input type="hidden" name="day" value={day} />
            {page.concernId && <input type="hidden" name="concern" value={page.concernId} />}
            {!a.arrivedAt && (
              <button type="submit" name="mark" value="arrived">
                {t('day.markArrived')}
                <span class="visually-hidden">{`: ${name}`}</span>
              </button>
            )}
            {!a.noShowAt && !a.arrivedAt && started && (
              <button type="submit" name="mark" value="no_show" class="secondary">
                {t('day.markNoShow')}
                <span class="visually-hidden">{`: ${name}`}</span>
              </button>
            )}
            {(a.arrivedAt ?? a.noShowAt) && (
              <button type="submit" name="mark" value="expected" class="secondary">
                {t('day.markUndo')}
                <span class="visually-hidden">{`: ${name}`}</span>
              </button>
            )}
          </StaffPostForm>
        </td>
      )}
    </tr>
  );
}
