import type { StaffPageContext } from '../../platform/policy/guard.ts';
import { getLanguage, LANGUAGES, SOURCE_LANGUAGE } from '../../platform/i18n/languages.ts';
import { FIELD_STATUSES } from '../../platform/i18n/translation-status.ts';
import type { PageContext } from '../../platform/ui/context.ts';
import { formatClock, formatDate } from '../../platform/ui/format.ts';
import { LanguageLabel, StaffCheckbox } from '../../platform/ui/staff-choices.tsx';
import { StaffField, StaffPostForm, StaffSelect } from '../../platform/ui/staff-forms.tsx';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import { currentField, statusField } from '../admin-schema.ts';
import type {
  ConcernAdminView,
  ConcernEditorView,
  ConcernPreview,
  ConcernStatusSummary,
  DraftInfo,
  LanguageStatus,
} from '../admin-service.ts';
import { CONCERN_FIELDS, type ConcernField } from '../service.ts';
import { ConcernContent } from './concern-page.tsx';

// Concern administration pages: every concern's translation status, one concern's languages,
// the editor of one language's texts (a draft), and the preview of the public page before
// publishing. Texts are shown and edited with the lang and dir of their language.

const TIME_ZONE = 'Europe/Berlin';
const when = (ctx: StaffPageContext, date: Date) =>
  `${formatDate(ctx.lang, date, TIME_ZONE)}, ${formatClock(ctx.lang, date, TIME_ZONE)}`;

const base = (id: string) => `/staff/concerns/${id}`;

/** lang/dir of a portal language for a text written in it. */
function textAttributes(code: string) {
  const language = getLanguage(code);
  return { lang: language.tag, dir: language.rtl ? ('rtl' as const) : ('ltr' as const) };
}

/** One language of one concern in a few words: what is left to do, or that nothing is. */
function summary(ctx: StaffPageContext, status: LanguageStatus) {
  const { t } = ctx;
  if (status.lang === SOURCE_LANGUAGE) return t('concerns.summary.source');
  const parts = (['missing', 'stale', 'unreviewed'] as const)
    .filter((s) => status.counts[s] > 0)
    .map((s) => t(`concerns.count.${s}`, { count: status.counts[s] }));
  return parts.length > 0 ? parts.join(', ') : t('concerns.summary.complete');
}

function DraftBadge({ ctx, draft }: { ctx: StaffPageContext; draft: DraftInfo | undefined }) {
  if (!draft) return null;
  return <strong class="badge">{ctx.t('concerns.draftBadge')}</strong>;
}

export function ConcernsAdminPage({
  ctx,
  concerns,
}: {
  ctx: StaffPageContext;
  concerns: ConcernStatusSummary[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('concerns.title')}>
      <h1>{t('concerns.title')}</h1>
      <p>{t('concerns.intro')}</p>
      <div class="table-scroll" role="region" aria-labelledby="concerns-caption" tabindex={0}>
        <table class="data status-table">
          <caption id="concerns-caption">{t('concerns.statusCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('concerns.concern')}</th>
              {LANGUAGES.map((l) => (
                <th scope="col" key={l.code}>
                  {t(`translation.language.${l.code}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {concerns.map((concern) => (
              <tr key={concern.id}>
                <th scope="row">
                  <a href={base(concern.id)} lang="de">
                    {concern.title}
                  </a>
                </th>
                {concern.languages.map((status) => (
                  <td key={status.lang}>
                    <a href={`${base(concern.id)}/${status.lang}`}>
                      <span class="visually-hidden">
                        <span lang="de">{concern.title}</span>
                        {`, ${t(`translation.language.${status.lang}`)}: `}
                      </span>
                      {summary(ctx, status)}
                    </a>{' '}
                    <DraftBadge ctx={ctx} draft={status.draft} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <StatusLegend ctx={ctx} />
    </StaffLayout>
  );
}

function StatusLegend({ ctx }: { ctx: StaffPageContext }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="legend-heading">
      <h2 id="legend-heading">{t('concerns.legend')}</h2>
      <dl class="legend">
        {FIELD_STATUSES.filter((s) => s !== 'none').map((s) => (
          <div key={s}>
            <dt>{t(`translation.status.${s}`)}</dt>
            <dd>{t(`translation.statusLong.${s}`)}</dd>
          </div>
        ))}
        <div>
          <dt>{t('concerns.draftBadge')}</dt>
          <dd>{t('concerns.draftExplained')}</dd>
        </div>
      </dl>
    </section>
  );
}

export function ConcernAdminPage({
  ctx,
  view,
  published,
}: {
  ctx: StaffPageContext;
  view: ConcernAdminView;
  /** The language just published, for the confirmation. */
  published?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('concerns.concernTitle', { title: view.title })}>
      <p class="no-print">
        <a href="/staff/concerns">{t('concerns.backToList')}</a>
      </p>
      <h1>
        {t('concerns.concernHeading')} <span lang="de">{view.title}</span>
      </h1>
      {published && (
        <div class="notice" role="status">
          <p>
            {t('concerns.published', { language: t(`translation.language.${published}`) })}{' '}
            <a href={`/${published}/concerns/${view.id}`} hreflang={getLanguage(published).tag}>
              {t('concerns.viewPublic')}
            </a>
          </p>
        </div>
      )}
      <dl class="facts">
        <div>
          <dt>{t('concerns.legalBasis')}</dt>
          <dd lang="de">{view.legalBasis}</dd>
        </div>
        <div>
          <dt>{t('concerns.leikaKey')}</dt>
          <dd>{view.leikaKey ?? t('concerns.leikaKeyNone')}</dd>
        </div>
      </dl>
      <p class="hint">{t('concerns.factsHint')}</p>
      <div class="table-scroll" role="region" aria-labelledby="languages-caption" tabindex={0}>
        <table class="data status-table">
          <caption id="languages-caption">{t('concerns.languagesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('translation.language')}</th>
              {CONCERN_FIELDS.map((field) => (
                <th scope="col" key={field}>
                  {t(`concerns.field.${field}`)}
                </th>
              ))}
              <th scope="col">{t('concerns.draft')}</th>
            </tr>
          </thead>
          <tbody>
            {view.languages.map((status) => (
              <tr key={status.lang}>
                <th scope="row">
                  <a href={`${base(view.id)}/${status.lang}`}>
                    <LanguageLabel ctx={ctx} code={status.lang} />
                  </a>
                </th>
                {CONCERN_FIELDS.map((field) => (
                  <td key={field} class={`status status-${status.fields[field]}`}>
                    {t(`translation.status.${status.fields[field]}`)}
                  </td>
                ))}
                <td>
                  {status.draft ? (
                    <a href={`${base(view.id)}/${status.lang}/preview`}>
                      {t('concerns.draftFrom', {
                        when: when(ctx, status.draft.updatedAt),
                        who: status.draft.updatedBy,
                      })}
                    </a>
                  ) : (
                    t('concerns.noDraft')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <StatusLegend ctx={ctx} />
    </StaffLayout>
  );
}

type EditorForm = { values: Record<string, string>; errors: Record<string, string> };

function LanguageSwitch({ ctx, id, lang }: { ctx: StaffPageContext; id: string; lang: string }) {
  return (
    <nav aria-label={ctx.t('concerns.otherLanguages')} class="no-print">
      <ul class="section-links">
        {LANGUAGES.map((l) => (
          <li key={l.code}>
            <a href={`${base(id)}/${l.code}`} aria-current={l.code === lang ? 'page' : undefined}>
              {ctx.t(`translation.language.${l.code}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function ConcernEditorPage({
  ctx,
  view,
  form,
  notice,
}: {
  ctx: StaffPageContext;
  view: ConcernEditorView;
  form?: EditorForm | undefined;
  notice?: 'unchanged' | 'discarded' | undefined;
}) {
  const { t } = ctx;
  const german = view.lang === SOURCE_LANGUAGE;
  const language = t(`translation.language.${view.lang}`);
  const errors = Object.fromEntries(
    Object.entries(form?.errors ?? {}).map(([field, key]) => [field, t(key)]),
  );
  const title = t('concerns.editTitle', { title: view.title, language });
  const attributes = textAttributes(view.lang);
  const value = (name: string, stored: string) => form?.values[name] ?? stored;
  return (
    <StaffLayout ctx={ctx} title={form ? `${t('concerns.errorPrefix')}: ${title}` : title}>
      <p class="no-print">
        <a href={base(view.id)}>{t('concerns.backToConcern')}</a>
      </p>
      <h1>
        {t('concerns.editHeading', { language })} <span lang="de">{view.title}</span>
      </h1>
      <LanguageSwitch ctx={ctx} id={view.id} lang={view.lang} />
      <StaffErrorSummary ctx={ctx} errors={errors} />
      {notice && (
        <p class="notice" role="status">
          {t(`concerns.notice.${notice}`)}
        </p>
      )}
      {view.draft && (
        <div class="notice">
          <p>
            {t('concerns.draftExists', {
              when: when(ctx, view.draft.updatedAt),
              who: view.draft.updatedBy,
            })}{' '}
            <a href={`${base(view.id)}/${view.lang}/preview`}>{t('concerns.toPreview')}</a>
          </p>
          <StaffPostForm action={`${base(view.id)}/${view.lang}/discard`} csrf={ctx.csrf}>
            <button type="submit" class="button-link">
              {t('concerns.discard')}
            </button>
          </StaffPostForm>
        </div>
      )}
      {view.germanDraft && <p class="notice">{t('concerns.germanDraft')}</p>}
      <p class="hint">{german ? t('concerns.germanHint') : t('concerns.translationHint')}</p>
      <StaffPostForm action={`${base(view.id)}/${view.lang}`} csrf={ctx.csrf}>
        {CONCERN_FIELDS.map((field) => (
          <FieldEditor
            key={field}
            ctx={ctx}
            view={view}
            field={field}
            value={value(field, view.fields.find((f) => f.field === field)?.value ?? '')}
            review={value(
              statusField(field),
              view.fields.find((f) => f.field === field)?.review ?? 'unreviewed',
            )}
            confirmed={
              form
                ? form.values[currentField(field)] === 'yes'
                : (view.fields.find((f) => f.field === field)?.confirmed ?? false)
            }
            errors={errors}
            attributes={attributes}
          />
        ))}
        {german && (
          <fieldset class="concern-field">
            <legend>{t('concerns.factsLegend')}</legend>
            <StaffField
              name="legal_basis"
              label={t('concerns.legalBasis')}
              hint={t('concerns.legalBasisHint')}
              value={value('legal_basis', view.facts.legalBasis)}
              error={errors.legal_basis}
              lang="de"
              required
            />
            <StaffField
              name="leika_key"
              label={t('concerns.leikaKeyOptional')}
              hint={t('concerns.leikaKeyHint')}
              value={value('leika_key', view.facts.leikaKey)}
              error={errors.leika_key}
              inputmode="numeric"
            />
          </fieldset>
        )}
        <button type="submit" class="button">
          {t('concerns.saveDraft')}
        </button>
      </StaffPostForm>
    </StaffLayout>
  );
}

function FieldEditor({
  ctx,
  view,
  field,
  value,
  review,
  confirmed,
  errors,
  attributes,
}: {
  ctx: StaffPageContext;
  view: ConcernEditorView;
  field: ConcernField;
  value: string;
  review: string;
  confirmed: boolean;
  errors: Record<string, string>;
  attributes: { lang: string; dir: 'ltr' | 'rtl' };
}) {
  const { t } = ctx;
  const german = view.lang === SOURCE_LANGUAGE;
  const info = view.fields.find((f) => f.field === field);
  const status = info?.status ?? 'none';
  const label = t(`concerns.field.${field}`);
  return (
    <fieldset class="concern-field">
      <legend>{label}</legend>
      <p class={`status status-${status}`}>
        {t('concerns.currently', { status: t(`translation.statusLong.${status}`) })}
      </p>
      {!german && (
        <div class="source-text">
          <p class="source-label">{t('concerns.germanSource')}</p>
          {info?.german ? (
            <p lang="de" dir="ltr" class="source-body">
              {info.german}
            </p>
          ) : (
            <p>{t('concerns.noGermanSource')}</p>
          )}
        </div>
      )}
      <StaffField
        name={field}
        label={t('concerns.textIn', {
          field: label,
          language: t(`translation.language.${view.lang}`),
        })}
        hint={field === 'documents' ? t('concerns.documentsHint') : undefined}
        value={value}
        error={errors[field]}
        required={german && (field === 'title' || field === 'summary')}
        multiline={field !== 'title'}
        lang={attributes.lang}
        dir={attributes.dir}
      />
      {!german && (
        <>
          <StaffSelect
            name={statusField(field)}
            label={t('concerns.reviewLabel', { field: label })}
            value={review}
            error={errors[statusField(field)]}
            options={[
              { value: 'unreviewed', label: t('translation.status.unreviewed') },
              { value: 'reviewed', label: t('translation.status.reviewed') },
            ]}
          />
          {status === 'stale' && (
            <StaffCheckbox
              name={currentField(field)}
              label={t('concerns.confirmCurrent', { field: label })}
              hint={t('concerns.confirmCurrentHint')}
              checked={confirmed}
            />
          )}
        </>
      )}
    </fieldset>
  );
}

export function ConcernPreviewPage({
  ctx,
  preview,
  publicCtx,
  problem,
}: {
  ctx: StaffPageContext;
  preview: ConcernPreview;
  /** The public page's context in the previewed language. */
  publicCtx: PageContext;
  /** Why publishing did not happen: the draft changed meanwhile, or a field lost its source. */
  problem?: { kind: 'outdated' } | { kind: 'invalid'; errors: Record<string, string> } | undefined;
}) {
  const { t } = ctx;
  const language = t(`translation.language.${preview.lang}`);
  const title = preview.title;
  const pageTitle = t('concerns.previewTitle', { title, language });
  const href = `${base(preview.id)}/${preview.lang}`;
  const language0 = getLanguage(preview.lang);
  const errors =
    problem?.kind === 'invalid'
      ? Object.fromEntries(
          Object.entries(problem.errors).map(([field, key]) => [
            field,
            `${t(`concerns.field.${field}`)}: ${t(key)}`,
          ]),
        )
      : {};
  return (
    <StaffLayout
      ctx={ctx}
      title={problem ? `${t('concerns.errorPrefix')}: ${pageTitle}` : pageTitle}
    >
      <p class="no-print">
        <a href={href}>{t('concerns.backToEditor')}</a>
      </p>
      <h1>
        {t('concerns.previewHeading', { language })} <span lang="de">{title}</span>
      </h1>
      {problem?.kind === 'outdated' && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <p>{t('concerns.outdated')}</p>
        </div>
      )}
      {problem?.kind === 'invalid' && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t('concerns.cannotPublish')}</h2>
          <ul>
            {Object.entries(errors).map(([field, message]) => (
              <li key={field}>
                <a href={`${href}#${field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {preview.draft ? (
        <section aria-labelledby="changes-heading" class="no-print">
          <h2 id="changes-heading">{t('concerns.changesHeading')}</h2>
          <p>
            {t('concerns.draftFrom', {
              when: when(ctx, preview.draft.updatedAt),
              who: preview.draft.updatedBy,
            })}
          </p>
          <ul>
            {Object.keys(preview.draft.changes).map((key) => (
              <li key={key}>{changeLabel(ctx, key)}</li>
            ))}
          </ul>
          {preview.removals.map((removal) => (
            <p key={removal.field} class="notice">
              {t('concerns.removalWarning', {
                field: t(`concerns.field.${removal.field}`),
                count: removal.langs.length,
              })}
            </p>
          ))}
          <div class="actions">
            <StaffPostForm action={`${href}/publish`} csrf={ctx.csrf}>
              <input type="hidden" name="revision" value={preview.draft.revision} />
              <button type="submit" class="button">
                {t('concerns.publish', { language })}
              </button>
            </StaffPostForm>
            <a href={href}>{t('concerns.keepEditing')}</a>
            <StaffPostForm action={`${href}/discard`} csrf={ctx.csrf}>
              <button type="submit" class="button-link">
                {t('concerns.discard')}
              </button>
            </StaffPostForm>
          </div>
        </section>
      ) : (
        <p class="notice">{t('concerns.noDraftPreview')}</p>
      )}
      <section aria-labelledby="preview-heading">
        <h2 id="preview-heading">{t('concerns.previewRegion', { language })}</h2>
        <div class="preview" lang={language0.tag} dir={language0.rtl ? 'rtl' : 'ltr'}>
          <ConcernContent ctx={publicCtx} concern={preview.concern} offices={preview.offices} />
        </div>
      </section>
    </StaffLayout>
  );
}

function changeLabel(ctx: StaffPageContext, key: string) {
  const { t } = ctx;
  const [field = key, aspect] = key.split('.');
  const name = t(`concerns.field.${field}`);
  if (aspect === 'status') return t('concerns.change.status', { field: name });
  if (aspect === 'stale') return t('concerns.change.confirmed', { field: name });
  return t('concerns.change.text', { field: name });
}
