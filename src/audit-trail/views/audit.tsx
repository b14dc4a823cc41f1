import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { formatClock, localDay } from '../../platform/ui/format.ts';
import { StaffField, StaffPostForm, StaffSelect } from '../../platform/ui/staff-forms.tsx';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import { AUDIT_ACTIONS, type FieldProblems, type TrailForm } from '../schema.ts';
import type { BookingOfCode, TrailCheck, TrailEntry } from '../service.ts';

// The audit trail for the data-protection officer: the search form, one page of entries
// (what happened, never the records' content), links to newer and older entries, the CSV
// export of the same search, and the check of the hash chain.

type Ctx = { ctx: StaffPageContext };

const FIELD_ORDER = ['subject', 'actor', 'action', 'from', 'to'] as const;

function FilterForm({
  ctx,
  form,
  errors,
}: Ctx & { form: TrailForm; errors: Record<string, string> }) {
  const { t } = ctx;
  const actions = [
    { value: '', label: t('audit.filter.anyAction') },
    ...AUDIT_ACTIONS.map((action) => ({ value: action, label: t(`audit.action.${action}`) })),
  ];
  return (
    <form method="get" action="/staff/audit" class="filter audit-filter" novalidate>
      <StaffField
        name="subject"
        label={t('audit.filter.subject')}
        hint={t('audit.filter.subjectHint')}
        value={form.subject}
        error={errors.subject}
        autocomplete="off"
      />
      <StaffField
        name="actor"
        label={t('audit.filter.actor')}
        hint={t('audit.filter.actorHint')}
        value={form.actor}
        error={errors.actor}
        autocomplete="off"
      />
      <StaffSelect
        name="action"
        label={t('audit.filter.action')}
        options={actions}
        value={form.action}
        error={errors.action}
      />
      <div class="audit-period">
        <StaffField
          name="from"
          type="date"
          label={t('audit.filter.from')}
          value={form.from}
          error={errors.from}
        />
        <StaffField
          name="to"
          type="date"
          label={t('audit.filter.to')}
          value={form.to}
          error={errors.to}
        />
      </div>
      <button type="submit" class="button">
        {t('audit.filter.search')}
      </button>
    </form>
  );
}

function When({ ctx, at, timeZone }: Ctx & { at: Date; timeZone: string }) {
  return (
    <time datetime={at.toISOString()}>
      {`${localDay(at, timeZone)} ${formatClock(ctx.lang, at, timeZone)}`}
    </time>
  );
}

// Entries carried over from the old log may name actions the list no longer has.
const actionLabel = (ctx: StaffPageContext, action: string) =>
  (AUDIT_ACTIONS as readonly string[]).includes(action) ? ctx.t(`audit.action.${action}`) : action;

/** Details as "key: value" lines; strings as they are, anything else as JSON. */
const details = (entry: TrailEntry) =>
  Object.entries(entry.details).map(
    ([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );

function pageLink(params: Record<string, string>, position: Record<string, string>) {
  return `/staff/audit?${new URLSearchParams({ ...params, ...position }).toString()}`;
}

export function AuditPage({
  ctx,
  form,
  problems,
  result,
  params,
  timeZone,
}: Ctx & {
  form: TrailForm;
  problems: FieldProblems;
  result?:
    | {
        entries: TrailEntry[];
        /** The booking a booking code typed as the subject names. */
        booking?: BookingOfCode | undefined;
        newer?: string | undefined;
        older?: string | undefined;
      }
    | undefined;
  /** The valid filter as query parameters, for paging and export. */
  params: Record<string, string>;
  timeZone: string;
}) {
  const { t } = ctx;
  const errors: Record<string, string> = {};
  for (const field of FIELD_ORDER) if (problems[field]) errors[field] = t(problems[field]);
  return (
    <StaffLayout ctx={ctx} title={t('audit.title')}>
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <p class="no-print">
        <a href="/staff/audit/verify">{t('audit.verify.link')}</a>
      </p>
      <StaffErrorSummary ctx={ctx} errors={errors} />
      <FilterForm ctx={ctx} form={form} errors={errors} />
      {result && (
        <section>
          <h2 id="results-title">{t('audit.results')}</h2>
          {result.booking && (
            <p>
              {result.booking.id
                ? t('audit.booking.found', { code: result.booking.code, id: result.booking.id })
                : t('audit.booking.unknown', { code: result.booking.code })}
            </p>
          )}
          <StaffPostForm action="/staff/audit/export" csrf={ctx.csrf} class="no-print">
            {Object.entries(params).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <button type="submit" class="button">
              {t('audit.export')}
            </button>
          </StaffPostForm>
          {result.entries.length === 0 ? (
            <p>{t('audit.none')}</p>
          ) : (
            <div class="table-scroll" tabindex={0} role="region" aria-labelledby="results-title">
              <table class="data audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.col.seq')}</th>
                    <th scope="col">{t('audit.col.at')}</th>
                    <th scope="col">{t('audit.col.actor')}</th>
                    <th scope="col">{t('audit.col.action')}</th>
                    <th scope="col">{t('audit.col.subject')}</th>
                    <th scope="col">{t('audit.col.fields')}</th>
                    <th scope="col">{t('audit.col.purpose')}</th>
                    <th scope="col">{t('audit.col.requestId')}</th>
                    <th scope="col">{t('audit.col.details')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.entries.map((entry) => (
                    <tr key={entry.seq}>
                      <td>{entry.seq}</td>
                      <td>
                        <When ctx={ctx} at={entry.at} timeZone={timeZone} />
                      </td>
                      <td>{entry.actorName}</td>
                      <td>{actionLabel(ctx, entry.action)}</td>
                      <td>
                        {entry.subjectType && entry.subjectId
                          ? `${entry.subjectType} ${entry.subjectId}`
                          : ''}
                      </td>
                      <td>{entry.fields.join(', ')}</td>
                      <td>{entry.purpose ?? ''}</td>
                      <td>
                        <code>{entry.requestId ?? ''}</code>
                      </td>
                      <td>
                        <ul class="plain">
                          {details(entry).map((line) => (
                            <li key={line}>
                              <code>{line}</code>
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(result.newer || result.older) && (
            <nav class="pagination no-print" aria-label={t('audit.pages')}>
              <ul>
                {result.newer && (
                  <li>
                    <a href={pageLink(params, { after: result.newer })}>{t('audit.newer')}</a>
                  </li>
                )}
                {result.older && (
                  <li>
                    <a href={pageLink(params, { before: result.older })}>{t('audit.older')}</a>
                  </li>
                )}
              </ul>
            </nav>
          )}
        </section>
      )}
    </StaffLayout>
  );
}

export function VerifyPage({ ctx, check }: Ctx & { check: TrailCheck }) {
  const { t } = ctx;
  const broken = check.broken;
  return (
    <StaffLayout ctx={ctx} title={t('audit.verify.title')}>
      <p class="no-print">
        <a href="/staff/audit">{t('audit.back')}</a>
      </p>
      <h1>{t('audit.verify.title')}</h1>
      <p>{t('audit.verify.explain')}</p>
      {broken ? (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t('audit.verify.broken', { seq: broken.seq })}</h2>
          <p>{t(`audit.verify.problem.${broken.problem}`, { seq: broken.seq })}</p>
        </div>
      ) : (
        <div class="notice" role="status">
          <p>{t('audit.verify.intact')}</p>
        </div>
      )}
      <dl class="summary-list">
        <div class="summary-row">
          <dt>{t('audit.verify.own')}</dt>
          <dd>{check.ownEntries}</dd>
        </div>
      </dl>
    </StaffLayout>
  );
}
