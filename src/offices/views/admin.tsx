import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import { StaffField, StaffPostForm } from '../../platform/ui/staff-forms.tsx';
import { LanguageLabel, StaffCheckboxes, StaffRadios } from '../../platform/ui/staff-choices.tsx';
import { formatDay, languageName, weekdayName } from '../../platform/ui/format.ts';
import { hoursField, MAX_RANGES, OFFICE_LANGUAGES, WEEKDAYS } from '../admin-schema.ts';
import type { OfficeAdminView, OfficeSummary } from '../admin-service.ts';
import { OFFICE_FIELDS } from '../service.ts';

// Office administration pages: the list, and one page per office with a form per section
// (address, opening hours, accessibility, languages) and the
// office's closures, which capacity administration changes. A section re-shown with
// errors keeps what was typed; the others show what is stored.

export const OFFICE_SECTIONS = ['address', 'hours', 'accessibility', 'languages'] as const;
export type OfficeSection = (typeof OFFICE_SECTIONS)[number];

export function OfficesAdminPage({
  ctx,
  offices,
}: {
  ctx: StaffPageContext;
  offices: OfficeSummary[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('offices.title')}>
      <h1>{t('offices.title')}</h1>
      <table class="data">
        <caption class="visually-hidden">{t('offices.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('offices.name')}</th>
            <th scope="col">{t('offices.address')}</th>
            <th scope="col">{t('offices.wheelchair')}</th>
            <th scope="col">{t('offices.languages')}</th>
          </tr>
        </thead>
        <tbody>
          {offices.map((office) => (
            <tr key={office.id}>
              <th scope="row">
                <a href={`/staff/offices/${office.id}`} lang="de">
                  {office.name}
                </a>
              </th>
              <td>
                {office.street}, {office.postalCode} {office.city}
              </td>
              <td>{office.wheelchairAccessible ? t('offices.yes') : t('offices.no')}</td>
              <td>{office.languages.map((code) => languageName(ctx.lang, code)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </StaffLayout>
  );
}

/** The section whose form was sent with errors: what was typed and the messages (keys). */
export type SectionForm = {
  section: OfficeSection;
  values: Record<string, string>;
  list?: string[];
  errors: Record<string, string>;
};

type Props = {
  ctx: StaffPageContext;
  view: OfficeAdminView;
  form?: SectionForm | undefined;
  /** The section just saved, and whether anything changed. */
  saved?: { section: OfficeSection; changed: boolean } | undefined;
};

export function OfficeAdminPage({ ctx, view, form, saved }: Props) {
  const { t } = ctx;
  const name = view.texts.name || view.office.id;
  const errors = Object.fromEntries(
    Object.entries(form?.errors ?? {}).map(([field, key]) => [field, t(key)]),
  );
  const title = t('offices.editTitle', { name });
  return (
    <StaffLayout ctx={ctx} title={form ? `${t('offices.errorPrefix')}: ${title}` : title}>
      <p class="no-print">
        <a href="/staff/offices">{t('offices.backToList')}</a>
      </p>
      <h1>
        {t('offices.editHeading')} <span lang="de">{name}</span>
      </h1>
      <StaffErrorSummary ctx={ctx} errors={errors} />
      <p>
        {t('offices.publicPage')}{' '}
        <a href={`/de/offices/${view.office.id}`} hreflang="de">
          {t('offices.publicPageGerman')}
        </a>
        {', '}
        <a href={`/en/offices/${view.office.id}`} hreflang="en">
          {t('offices.publicPageEnglish')}
        </a>
      </p>
      <nav aria-labelledby="sections-heading" class="no-print">
        <h2 id="sections-heading" class="visually-hidden">
          {t('offices.sections')}
        </h2>
        <ul class="section-links">
          {['address', 'hours', 'closures', 'accessibility', 'languages'].map((section) => (
            <li key={section}>
              <a href={`#${section}-heading`}>{t(`offices.section.${section}`)}</a>
            </li>
          ))}
          <li>
            <a href="#translations-heading">{t('offices.section.translations')}</a>
          </li>
        </ul>
      </nav>
      <AddressSection
        ctx={ctx}
        view={view}
        form={form?.section === 'address' ? form : undefined}
        errors={errors}
        saved={saved?.section === 'address' ? saved : undefined}
      />
      <HoursSection
        ctx={ctx}
        view={view}
        form={form?.section === 'hours' ? form : undefined}
        errors={errors}
        saved={saved?.section === 'hours' ? saved : undefined}
      />
      <ClosuresSection ctx={ctx} view={view} />
      <AccessibilitySection
        ctx={ctx}
        view={view}
        form={form?.section === 'accessibility' ? form : undefined}
        errors={errors}
        saved={saved?.section === 'accessibility' ? saved : undefined}
      />
      <LanguagesSection
        ctx={ctx}
        view={view}
        form={form?.section === 'languages' ? form : undefined}
        errors={errors}
        saved={saved?.section === 'languages' ? saved : undefined}
      />
      <TranslationsSection ctx={ctx} view={view} />
    </StaffLayout>
  );
}

type SectionProps = {
  ctx: StaffPageContext;
  view: OfficeAdminView;
  form: SectionForm | undefined;
  errors: Record<string, string>;
  /** Set when this section was just saved. */
  saved: { section: OfficeSection; changed: boolean } | undefined;
};

/**
 * The confirmation of a save, right under the section's heading: the page returns to that
 * heading, so the notice is where the reader is (at the top it would be off-screen).
 */
function SavedNotice({ ctx, saved }: Pick<SectionProps, 'ctx' | 'saved'>) {
  const { t } = ctx;
  if (!saved) return null;
  return (
    <p class="notice" role="status">
      {saved.changed
        ? t('offices.saved', { section: t(`offices.section.${saved.section}`) })
        : t('offices.unchanged')}
    </p>
  );
}

const action = (view: OfficeAdminView, section: string) =>
  `/staff/offices/${view.office.id}/${section}`;

function SaveButton({ ctx }: { ctx: StaffPageContext }) {
  return (
    <button type="submit" class="button">
      {ctx.t('offices.save')}
    </button>
  );
}

function AddressSection({ ctx, view, form, errors, saved }: SectionProps) {
  const { t } = ctx;
  const { office } = view;
  const value = (name: string, stored: string | null) => form?.values[name] ?? stored ?? '';
  return (
    <section aria-labelledby="address-heading">
      <h2 id="address-heading">{t('offices.section.address')}</h2>
      <SavedNotice ctx={ctx} saved={saved} />
      <StaffPostForm action={action(view, 'address')} csrf={ctx.csrf}>
        <StaffField
          name="name"
          label={t('offices.name')}
          hint={t('offices.germanHint')}
          value={value('name', view.texts.name)}
          error={errors.name}
          lang="de"
          required
        />
        <StaffField
          name="street"
          label={t('offices.street')}
          value={value('street', office.street)}
          error={errors.street}
          autocomplete="off"
          required
        />
        <StaffField
          name="postalCode"
          label={t('offices.postalCode')}
          value={value('postalCode', office.postalCode)}
          error={errors.postalCode}
          inputmode="numeric"
          required
        />
        <StaffField
          name="city"
          label={t('offices.city')}
          value={value('city', office.city)}
          error={errors.city}
          required
        />
        <StaffField
          name="phone"
          label={t('offices.phone')}
          type="tel"
          value={value('phone', office.phone)}
          error={errors.phone}
        />
        <StaffField
          name="email"
          label={t('offices.email')}
          type="email"
          value={value('email', office.email)}
          error={errors.email}
        />
        <StaffField
          name="directions"
          label={t('offices.directions')}
          hint={t('offices.germanTextHint')}
          value={value('directions', view.texts.directions)}
          error={errors.directions}
          lang="de"
          multiline
        />
        <SaveButton ctx={ctx} />
      </StaffPostForm>
    </section>
  );
}

/** Rows shown per weekday: what is there and one empty row, at least two. */
function rowsOf(view: OfficeAdminView, form: SectionForm | undefined, weekday: number) {
  if (form) {
    let last = -1;
    for (let i = 0; i < MAX_RANGES; i += 1) {
      if (
        form.values[hoursField(weekday, i, 'opens')] ||
        form.values[hoursField(weekday, i, 'closes')]
      ) {
        last = i;
      }
    }
    return Math.min(MAX_RANGES, Math.max(2, last + 2));
  }
  const stored = view.hours.filter((h) => h.weekday === weekday).length;
  return Math.min(MAX_RANGES, Math.max(2, stored + 1));
}

function HoursSection({ ctx, view, form, errors, saved }: SectionProps) {
  const { t } = ctx;
  return (
    <section aria-labelledby="hours-heading">
      <h2 id="hours-heading">{t('offices.section.hours')}</h2>
      <SavedNotice ctx={ctx} saved={saved} />
      <p class="hint">{t('offices.hoursHint')}</p>
      <HoursSummary ctx={ctx} view={view} />
      <StaffPostForm action={action(view, 'hours')} csrf={ctx.csrf} class="hours-form">
        {WEEKDAYS.map((weekday) => {
          const day = weekdayName(ctx.lang, weekday);
          const stored = view.hours.filter((h) => h.weekday === weekday);
          const rows = Array.from({ length: rowsOf(view, form, weekday) }, (_, i) => i);
          return (
            <fieldset key={weekday} class="hours-day">
              <legend>{day}</legend>
              {rows.map((index) => {
                const opens = hoursField(weekday, index, 'opens');
                const closes = hoursField(weekday, index, 'closes');
                const context = t('offices.rangeContext', { day, number: index + 1 });
                return (
                  <div class="hours-range" key={index}>
                    <StaffField
                      name={opens}
                      type="time"
                      label={
                        <>
                          <span class="visually-hidden">{context}: </span>
                          {t('offices.opens')}
                        </>
                      }
                      value={form ? form.values[opens] : stored[index]?.opens}
                      error={errors[opens]}
                    />
                    <StaffField
                      name={closes}
                      type="time"
                      label={
                        <>
                          <span class="visually-hidden">{context}: </span>
                          {t('offices.closes')}
                        </>
                      }
                      value={form ? form.values[closes] : stored[index]?.closes}
                      error={errors[closes]}
                    />
                  </div>
                );
              })}
            </fieldset>
          );
        })}
        <SaveButton ctx={ctx} />
      </StaffPostForm>
    </section>
  );
}

/** The stored hours as a table: what prints (forms do not) and what a reader checks first. */
function HoursSummary({ ctx, view }: { ctx: StaffPageContext; view: OfficeAdminView }) {
  const { t } = ctx;
  return (
    <table class="data hours-summary">
      <caption>{t('offices.hoursNow')}</caption>
      <tbody>
        {WEEKDAYS.map((weekday) => {
          const ranges = view.hours.filter((h) => h.weekday === weekday);
          return (
            <tr key={weekday}>
              <th scope="row">{weekdayName(ctx.lang, weekday)}</th>
              <td>
                {ranges.length === 0
                  ? t('offices.closed')
                  : ranges.map((r) => `${r.opens}–${r.closes}`).join(', ')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ClosuresSection({ ctx, view }: { ctx: StaffPageContext; view: OfficeAdminView }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="closures-heading">
      <h2 id="closures-heading">{t('offices.section.closures')}</h2>
      {view.closures.length === 0 ? (
        <p>{t('offices.noClosures')}</p>
      ) : (
        <table class="data">
          <caption>{t('offices.closuresNow')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('offices.day')}</th>
              <th scope="col">{t('offices.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {view.closures.map((closure) => (
              <tr key={closure.day}>
                <td>{formatDay(ctx.lang, closure.day)}</td>
                <td lang="de">{closure.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="no-print">
        {t('offices.closuresWhere')}{' '}
        <a href={`/staff/capacity?office=${view.office.id}`}>{t('offices.closuresLink')}</a>
      </p>
    </section>
  );
}

function AccessibilitySection({ ctx, view, form, errors, saved }: SectionProps) {
  const { t } = ctx;
  const wheelchair = form
    ? form.values.wheelchair
    : view.office.wheelchairAccessible
      ? 'yes'
      : 'no';
  return (
    <section aria-labelledby="accessibility-heading">
      <h2 id="accessibility-heading">{t('offices.section.accessibility')}</h2>
      <SavedNotice ctx={ctx} saved={saved} />
      <StaffPostForm action={action(view, 'accessibility')} csrf={ctx.csrf}>
        <StaffRadios
          name="wheelchair"
          legend={t('offices.wheelchairQuestion')}
          value={wheelchair}
          error={errors.wheelchair}
          choices={[
            { value: 'yes', label: t('offices.wheelchairYes') },
            { value: 'no', label: t('offices.wheelchairNo') },
          ]}
        />
        <StaffField
          name="accessibility"
          label={t('offices.accessibilityText')}
          hint={t('offices.accessibilityHint')}
          value={form?.values.accessibility ?? view.texts.accessibility}
          error={errors.accessibility}
          lang="de"
          multiline
        />
        <SaveButton ctx={ctx} />
      </StaffPostForm>
    </section>
  );
}

function LanguagesSection({ ctx, view, form, errors, saved }: SectionProps) {
  const { t } = ctx;
  const selected = form ? (form.list ?? []) : view.office.languages;
  // Languages stored by an import but not offered here stay visible and selectable.
  const codes = [
    ...OFFICE_LANGUAGES,
    ...view.office.languages.filter((c) => !(OFFICE_LANGUAGES as readonly string[]).includes(c)),
  ];
  return (
    <section aria-labelledby="languages-heading">
      <h2 id="languages-heading">{t('offices.section.languages')}</h2>
      <SavedNotice ctx={ctx} saved={saved} />
      <StaffPostForm action={action(view, 'languages')} csrf={ctx.csrf}>
        <StaffCheckboxes
          name="languages"
          legend={t('offices.languagesQuestion')}
          hint={t('offices.languagesHint')}
          values={selected}
          error={errors.languages}
          columns
          choices={codes.map((code) => ({
            value: code,
            label: `${languageName(ctx.lang, code)} (${code})`,
          }))}
        />
        <SaveButton ctx={ctx} />
      </StaffPostForm>
    </section>
  );
}

function TranslationsSection({ ctx, view }: { ctx: StaffPageContext; view: OfficeAdminView }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="translations-heading">
      <h2 id="translations-heading">{t('offices.section.translations')}</h2>
      <p class="hint">{t('offices.translationsHint')}</p>
      <table class="data">
        <caption class="visually-hidden">{t('offices.section.translations')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('translation.language')}</th>
            {OFFICE_FIELDS.map((field) => (
              <th scope="col" key={field}>
                {t(`offices.field.${field}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.translations.map(({ lang, statuses }) => (
            <tr key={lang}>
              <th scope="row">
                <LanguageLabel ctx={ctx} code={lang} />
              </th>
              {OFFICE_FIELDS.map((field) => (
                <td key={field} class={`status status-${statuses[field]}`}>
                  {t(`translation.status.${statuses[field]}`)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
