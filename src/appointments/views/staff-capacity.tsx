import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { formatDay, formatTime, weekdayName } from '../../platform/ui/format.ts';
import { StaffField, StaffPostForm, StaffSelect } from '../../platform/ui/staff-forms.tsx';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import type {
  CapacityForm,
  CapacityFormName,
  CapacityPage,
  EffectTotals,
  SlotEffect,
} from '../capacity.service.ts';
import { BLANK_RULE_ROWS, MAX_RULE_ROWS, ruleField, type FormValues } from '../staff-schema.ts';

// Capacity administration: the rules of one office × concern, the office's closures, the
// concern's release policy. Every form previews its effect on the future slots first (the
// preview panel repeats the form's values with a button that saves them). The current state
// is shown as plain tables, which is what prints.

/** After a save: which form, and what it did. */
export type SavedNotice = {
  form: CapacityFormName;
  added: number | undefined;
  removed: number | undefined;
  kept: number | undefined;
};

const ACTIONS: Record<CapacityFormName, string> = {
  rules: '/staff/capacity/rules',
  closure: '/staff/capacity/closures',
  reopen: '/staff/capacity/closures',
  policy: '/staff/capacity/policy',
};

/** Where the message about the whole form (not one field) points. */
const FORM_ANCHORS: Record<CapacityFormName, string> = {
  rules: 'rules-title',
  closure: 'closures-title',
  reopen: 'closures-title',
  policy: 'policy-title',
};

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export function StaffCapacityPage({
  ctx,
  page,
  form,
  saved,
}: {
  ctx: StaffPageContext;
  page: CapacityPage;
  form?: CapacityForm | undefined;
  saved?: SavedNotice | undefined;
}) {
  const { t } = ctx;
  const office = page.offices.find((o) => o.id === page.officeId);
  const concern = page.concerns.find((c) => c.id === page.concernId);
  const errors = Object.fromEntries(
    Object.entries(form?.errors ?? {}).map(([field, key]) => [
      field === 'form' && form ? FORM_ANCHORS[form.name] : field,
      t(key),
    ]),
  );
  const valuesOf = (name: CapacityFormName) => (form?.name === name ? form.values : undefined);
  const errorsOf = (name: CapacityFormName) => (form?.name === name ? errors : {});
  return (
    <StaffLayout ctx={ctx} title={t('capacity.title')}>
      <h1>{office ? t('capacity.heading', { office: office.name }) : t('capacity.title')}</h1>
      <StaffErrorSummary ctx={ctx} errors={errors} />
      {saved && <SavedMessage ctx={ctx} saved={saved} />}
      {form?.effect && <Preview ctx={ctx} form={form} effect={form.effect} />}
      {page.offices.length === 0 ? (
        <p>{t('capacity.noOffices')}</p>
      ) : (
        <form method="get" action="/staff/capacity" class="filter capacity-filter" novalidate>
          <StaffSelect
            name="office"
            label={t('capacity.office')}
            value={page.officeId}
            options={page.offices.map((o) => ({ value: o.id, label: o.name }))}
          />
          <StaffSelect
            name="concern"
            label={t('capacity.concern')}
            value={page.concernId}
            options={page.concerns.map((c) => ({ value: c.id, label: c.title }))}
          />
          <button type="submit">{t('capacity.show')}</button>
        </form>
      )}
      {office && concern && (
        <Rules
          ctx={ctx}
          page={page}
          office={office}
          concern={concern}
          values={valuesOf('rules')}
          errors={errorsOf('rules')}
        />
      )}
      {office && (
        <Closures
          ctx={ctx}
          page={page}
          office={office}
          values={valuesOf('closure')}
          errors={{ ...errorsOf('closure'), ...errorsOf('reopen') }}
        />
      )}
      {concern && (
        <Policy
          ctx={ctx}
          page={page}
          concern={concern}
          values={valuesOf('policy')}
          errors={errorsOf('policy')}
        />
      )}
    </StaffLayout>
  );
}

function effectSentence(
  ctx: StaffPageContext,
  totals: Pick<EffectTotals, 'addedPlaces' | 'removedFreePlaces' | 'bookedUnaffected'>,
) {
  return ctx.t('capacity.effect.summary', {
    added: totals.addedPlaces,
    removed: totals.removedFreePlaces,
    kept: totals.bookedUnaffected,
  });
}

function SavedMessage({ ctx, saved }: { ctx: StaffPageContext; saved: SavedNotice }) {
  const { t } = ctx;
  return (
    <div class="notice" role="status">
      <p>{t(`capacity.saved.${saved.form}`)}</p>
      {saved.added !== undefined && (
        <p>
          {effectSentence(ctx, {
            addedPlaces: saved.added,
            removedFreePlaces: saved.removed ?? 0,
            bookedUnaffected: saved.kept ?? 0,
          })}
        </p>
      )}
    </div>
  );
}

/** The effect of a change not yet saved, and the button that saves exactly these values. */
function Preview({
  ctx,
  form,
  effect,
}: {
  ctx: StaffPageContext;
  form: CapacityForm;
  effect: SlotEffect;
}) {
  const { t, lang } = ctx;
  const back = `/staff/capacity?office=${encodeURIComponent(form.values.office ?? '')}&concern=${encodeURIComponent(form.values.concern ?? '')}`;
  const unchanged = effect.weeks.length === 0;
  return (
    <section class="notice capacity-preview" aria-labelledby="preview-title">
      <h2 id="preview-title" tabindex={-1}>
        {t('capacity.preview.title')}
      </h2>
      <p>{unchanged ? t('capacity.preview.noEffect') : effectSentence(ctx, effect.totals)}</p>
      {effect.totals.bookedBeyondRules > 0 && (
        <p>{t('capacity.preview.beyondRules', { count: effect.totals.bookedBeyondRules })}</p>
      )}
      {!unchanged && (
        <table class="data">
          <caption>{t('capacity.preview.byWeek')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('capacity.preview.week')}</th>
              <th scope="col">{t('capacity.preview.added')}</th>
              <th scope="col">{t('capacity.preview.removed')}</th>
              <th scope="col">{t('capacity.preview.kept')}</th>
            </tr>
          </thead>
          <tbody>
            {effect.weeks.map((week) => (
              <tr key={week.week}>
                <th scope="row">
                  {t('capacity.preview.weekName', {
                    week: Number(week.week.slice(6)),
                    year: week.week.slice(0, 4),
                    day: formatDay(lang, week.firstDay),
                  })}
                </th>
                <td>{week.addedPlaces}</td>
                <td>{week.removedFreePlaces}</td>
                <td>{week.bookedUnaffected}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <StaffPostForm action={ACTIONS[form.name]} csrf={ctx.csrf} class="actions">
        <HiddenValues values={form.values} />
        <button type="submit" name="intent" value="save">
          {t('capacity.preview.save')}
        </button>
        <a href={back}>{t('capacity.preview.discard')}</a>
      </StaffPostForm>
    </section>
  );
}

function HiddenValues({ values }: { values: FormValues }) {
  return (
    <>
      {Object.entries(values)
        .filter(([name]) => name !== 'intent' && name !== '_csrf')
        .map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
    </>
  );
}

function PreviewButton({ ctx }: { ctx: StaffPageContext }) {
  return (
    <button type="submit" name="intent" value="preview">
      {ctx.t('capacity.previewButton')}
    </button>
  );
}

function Rules({
  ctx,
  page,
  office,
  concern,
  values,
  errors,
}: {
  ctx: StaffPageContext;
  page: CapacityPage;
  office: { id: string; name: string };
  concern: { id: string; title: string };
  values: FormValues | undefined;
  errors: Record<string, string>;
}) {
  const { t, lang } = ctx;
  const shown = values ?? rulesFormValues(page);
  const rows = Math.min(Number(shown.rows ?? 0), MAX_RULE_ROWS);
  const weekdays = [
    { value: '', label: t('capacity.rule.noWeekday') },
    ...WEEKDAYS.map((d) => ({ value: String(d), label: weekdayName(lang, d) })),
  ];
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title" tabindex={-1}>
        {t('capacity.rules.title', { concern: concern.title, office: office.name })}
      </h2>
      {errors['rules-title'] && <p class="error-message">{errors['rules-title']}</p>}
      {page.rules.length === 0 ? (
        <p>{t('capacity.rules.none')}</p>
      ) : (
        <table class="data">
          <caption>{t('capacity.rules.current')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('capacity.rule.weekday')}</th>
              <th scope="col">{t('capacity.rule.time')}</th>
              <th scope="col">{t('capacity.rule.desks')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rules.map((rule) => (
              <tr key={`${rule.weekday}-${rule.starts}`}>
                <td>{weekdayName(lang, rule.weekday)}</td>
                <td>
                  {t('capacity.rule.range', {
                    from: formatTime(lang, rule.starts),
                    to: formatTime(lang, rule.ends),
                  })}
                </td>
                <td>{rule.desks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('capacity.rules.edit')}</h3>
      <p class="hint" id="rules-hint">
        {t('capacity.rules.hint')}
      </p>
      <StaffPostForm action={ACTIONS.rules} csrf={ctx.csrf} class="rules-form">
        <input type="hidden" name="office" value={office.id} />
        <input type="hidden" name="concern" value={concern.id} />
        <input type="hidden" name="rows" value={String(rows)} />
        <table class="data rules-edit" aria-describedby="rules-hint">
          <caption class="visually-hidden">{t('capacity.rules.edit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('capacity.rule.weekday')}</th>
              <th scope="col">{t('capacity.rule.starts')}</th>
              <th scope="col">{t('capacity.rule.ends')}</th>
              <th scope="col">{t('capacity.rule.desks')}</th>
              <th scope="col">{t('capacity.rule.remove')}</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, i) => (
              <RuleRowInputs
                key={i}
                ctx={ctx}
                row={i}
                values={shown}
                errors={errors}
                weekdays={weekdays}
              />
            ))}
          </tbody>
        </table>
        <PreviewButton ctx={ctx} />
      </StaffPostForm>
    </section>
  );
}

/** The rules as form values, with empty rows for new rules below them. */
function rulesFormValues(page: CapacityPage): FormValues {
  const values: FormValues = {};
  page.rules.forEach((rule, i) => {
    values[ruleField('weekday', i)] = String(rule.weekday);
    values[ruleField('starts', i)] = rule.starts;
    values[ruleField('ends', i)] = rule.ends;
    values[ruleField('desks', i)] = String(rule.desks);
  });
  values.rows = String(Math.min(page.rules.length + BLANK_RULE_ROWS, MAX_RULE_ROWS));
  return values;
}

function RuleRowInputs({
  ctx,
  row,
  values,
  errors,
  weekdays,
}: {
  ctx: StaffPageContext;
  row: number;
  values: FormValues;
  errors: Record<string, string>;
  weekdays: { value: string; label: string }[];
}) {
  const { t } = ctx;
  const n = row + 1;
  const cell = (field: 'starts' | 'ends' | 'desks', label: string, type: 'time' | 'text') => {
    const name = ruleField(field, row);
    const error = errors[name];
    return (
      <td class={error ? 'field-error' : undefined}>
        <label for={name} class="visually-hidden">
          {t('capacity.rule.cellLabel', { field: label, row: n })}
        </label>
        {error && (
          <p class="error-message" id={`${name}-error`}>
            {error}
          </p>
        )}
        <input
          id={name}
          name={name}
          type={type as 'text'}
          value={values[name] ?? ''}
          inputmode={field === 'desks' ? ('numeric' as const) : undefined}
          size={field === 'desks' ? 3 : undefined}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${name}-error` : undefined}
        />
      </td>
    );
  };
  const weekday = ruleField('weekday', row);
  const remove = ruleField('remove', row);
  return (
    <tr>
      <td class={errors[weekday] ? 'field-error' : undefined}>
        <label for={weekday} class="visually-hidden">
          {t('capacity.rule.cellLabel', { field: t('capacity.rule.weekday'), row: n })}
        </label>
        {errors[weekday] && (
          <p class="error-message" id={`${weekday}-error`}>
            {errors[weekday]}
          </p>
        )}
        <select
          id={weekday}
          name={weekday}
          aria-invalid={errors[weekday] ? 'true' : undefined}
          aria-describedby={errors[weekday] ? `${weekday}-error` : undefined}
        >
          {weekdays.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === (values[weekday] ?? '')}>
              {o.label}
            </option>
          ))}
        </select>
      </td>
      {cell('starts', t('capacity.rule.starts'), 'time')}
      {cell('ends', t('capacity.rule.ends'), 'time')}
      {cell('desks', t('capacity.rule.desks'), 'text')}
      <td>
        <input
          type="checkbox"
          id={remove}
          name={remove}
          value="yes"
          checked={values[remove] === 'yes'}
        />
        <label for={remove} class="visually-hidden">
          {t('capacity.rule.removeRow', { row: n })}
        </label>
      </td>
    </tr>
  );
}

function Closures({
  ctx,
  page,
  office,
  values,
  errors,
}: {
  ctx: StaffPageContext;
  page: CapacityPage;
  office: { id: string; name: string };
  values: FormValues | undefined;
  errors: Record<string, string>;
}) {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="closures-title">
      <h2 id="closures-title" tabindex={-1}>
        {t('capacity.closures.title', { office: office.name })}
      </h2>
      {errors['closures-title'] && <p class="error-message">{errors['closures-title']}</p>}
      {page.closures.length === 0 ? (
        <p>{t('capacity.closures.none')}</p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">
            {t('capacity.closures.title', { office: office.name })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('capacity.closure.day')}</th>
              <th scope="col">{t('capacity.closure.reason')}</th>
              <th scope="col" class="no-print">
                {t('capacity.closure.action')}
              </th>
            </tr>
          </thead>
          <tbody>
            {page.closures.map((closure) => (
              <tr key={closure.day}>
                <td>{formatDay(lang, closure.day)}</td>
                <td>{closure.reason}</td>
                <td class="no-print">
                  <StaffPostForm action={ACTIONS.reopen} csrf={ctx.csrf}>
                    <input type="hidden" name="change" value="reopen" />
                    <input type="hidden" name="office" value={office.id} />
                    <input type="hidden" name="concern" value={page.concernId ?? ''} />
                    <input type="hidden" name="day" value={closure.day} />
                    <button type="submit" name="intent" value="preview" class="secondary">
                      {t('capacity.closure.reopen')}
                      <span class="visually-hidden">{`: ${formatDay(lang, closure.day)}`}</span>
                    </button>
                  </StaffPostForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('capacity.closures.add')}</h3>
      <StaffPostForm action={ACTIONS.closure} csrf={ctx.csrf}>
        <input type="hidden" name="change" value="close" />
        <input type="hidden" name="office" value={office.id} />
        <input type="hidden" name="concern" value={page.concernId ?? ''} />
        <StaffField
          name="day"
          type="date"
          label={t('capacity.closure.day')}
          hint={t('capacity.closure.dayHint')}
          value={values?.day}
          error={errors.day}
        />
        <StaffField
          name="reason"
          label={t('capacity.closure.reason')}
          value={values?.reason}
          error={errors.reason}
        />
        <PreviewButton ctx={ctx} />
      </StaffPostForm>
    </section>
  );
}

function Policy({
  ctx,
  page,
  concern,
  values,
  errors,
}: {
  ctx: StaffPageContext;
  page: CapacityPage;
  concern: { id: string; title: string };
  values: FormValues | undefined;
  errors: Record<string, string>;
}) {
  const { t, lang } = ctx;
  const policy = page.policy;
  const shown: FormValues = values ?? {
    slotMinutes: policy ? String(policy.slotMinutes) : '',
    releaseMode: policy?.releaseMode ?? 'rolling',
    weeksAhead: policy ? String(policy.releaseWeeksAhead) : '6',
    releaseWeekday: policy?.releaseWeekday ? String(policy.releaseWeekday) : '1',
    releaseTime: policy?.releaseTime?.slice(0, 5) ?? '08:00',
  };
  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title" tabindex={-1}>
        {t('capacity.policy.title', { concern: concern.title })}
      </h2>
      {errors['policy-title'] && <p class="error-message">{errors['policy-title']}</p>}
      <p>
        {!policy
          ? t('capacity.policy.none')
          : policy.releaseMode === 'rolling'
            ? t('capacity.policy.rolling', {
                minutes: policy.slotMinutes,
                weeks: policy.releaseWeeksAhead,
              })
            : t('capacity.policy.weekly', {
                minutes: policy.slotMinutes,
                weekday: weekdayName(lang, policy.releaseWeekday ?? 1),
                time: formatTime(lang, policy.releaseTime ?? '00:00'),
              })}
      </p>
      {page.mayChangePolicy ? (
        <StaffPostForm action={ACTIONS.policy} csrf={ctx.csrf}>
          <input type="hidden" name="office" value={page.officeId ?? ''} />
          <input type="hidden" name="concern" value={concern.id} />
          <StaffField
            name="slotMinutes"
            label={t('capacity.policy.slotMinutes')}
            inputmode="numeric"
            value={shown.slotMinutes}
            error={errors.slotMinutes}
          />
          <StaffSelect
            name="releaseMode"
            label={t('capacity.policy.releaseMode')}
            value={shown.releaseMode}
            error={errors.releaseMode}
            options={[
              { value: 'rolling', label: t('capacity.policy.mode.rolling') },
              { value: 'weekly', label: t('capacity.policy.mode.weekly') },
            ]}
          />
          <StaffField
            name="weeksAhead"
            label={t('capacity.policy.weeksAhead')}
            hint={t('capacity.policy.weeksAheadHint')}
            inputmode="numeric"
            value={shown.weeksAhead}
            error={errors.weeksAhead}
          />
          <StaffSelect
            name="releaseWeekday"
            label={t('capacity.policy.releaseWeekday')}
            value={shown.releaseWeekday}
            error={errors.releaseWeekday}
            options={WEEKDAYS.map((d) => ({ value: String(d), label: weekdayName(lang, d) }))}
          />
          <StaffField
            name="releaseTime"
            type="time"
            label={t('capacity.policy.releaseTime')}
            hint={t('capacity.policy.releaseTimeHint')}
            value={shown.releaseTime}
            error={errors.releaseTime}
          />
          <PreviewButton ctx={ctx} />
        </StaffPostForm>
      ) : (
        <p class="hint">{t('capacity.policy.administratorsOnly')}</p>
      )}
    </section>
  );
}
