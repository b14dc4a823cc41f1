import { Text } from '../../platform/ui/components.tsx';
import type { PageContext } from '../../platform/ui/context.ts';
import { formatTime, languageName, weekdayName } from '../../platform/ui/format.ts';
import type { Office } from '../service.ts';

export function Address({ office }: { office: Office }) {
  return (
    <address>
      <bdi>{office.street}</bdi>
      <br />
      <bdi>
        {office.postalCode} {office.city}
      </bdi>
    </address>
  );
}

export function OpeningHoursTable({ ctx, office }: { ctx: PageContext; office: Office }) {
  const tag = ctx.lang.tag;
  const days = [1, 2, 3, 4, 5, 6, 7];
  return (
    <table class="hours">
      <caption>{ctx.t('office.openingHours')}</caption>
      <tbody>
        {days.map((day) => {
          const ranges = office.hours.filter((h) => h.weekday === day);
          return (
            <tr key={day}>
              <th scope="row">{weekdayName(tag, day)}</th>
              <td>
                {ranges.length === 0
                  ? ctx.t('office.closed')
                  : ranges
                      .map((r) =>
                        ctx.t('office.timeRange', {
                          from: formatTime(tag, r.opens),
                          to: formatTime(tag, r.closes),
                        }),
                      )
                      .join(', ')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function SpokenLanguages({ ctx, office }: { ctx: PageContext; office: Office }) {
  return (
    <p>
      {ctx.t('office.languagesSpoken', {
        languages: new Intl.ListFormat(ctx.lang.tag, { type: 'conjunction' }).format(
          office.languages.map((code) => languageName(ctx.lang.tag, code)),
        ),
      })}
    </p>
  );
}

export function OfficeName({ ctx, office }: { ctx: PageContext; office: Office }) {
  return <Text ctx={ctx} value={office.texts.name} />;
}
