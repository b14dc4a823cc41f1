import { listOfficesOffering, type Office } from '../offices/service.ts';
import type { Db } from '../platform/db/database.ts';
import { sourceHash } from '../platform/db/translatable.ts';
import { resolveTexts, type TextRow } from '../platform/i18n/content.ts';
import { LANGUAGES, languageChain, SOURCE_LANGUAGE } from '../platform/i18n/languages.ts';
import {
  countStatuses,
  statusIndex,
  type FieldStatus,
  type StatusCounts,
} from '../platform/i18n/translation-status.ts';
import type { FormErrors } from '../platform/ui/staff-validation.ts';
import type { DraftInput } from './admin-schema.ts';
import {
  deleteDraft,
  deletePublishedTexts,
  listDraftRows,
  lockConcern,
  replaceDraft,
  updateConcernFacts,
  updatePublishedStatus,
  upsertPublishedText,
  type DraftRow,
} from './admin.repository.ts';
import { listConcerns, selectConcernTexts } from './repository.ts';
import { CONCERN_FIELDS, type Concern, type ConcernField } from './service.ts';

// Concern administration (issue 7): where each text stands in each language, editing one
// language's texts as a draft, a preview of the public page with the draft, and publishing.
// The public pages read only the published tables, so a draft never reaches them; publishing
// writes the draft into them in one transaction with its audit entry, and the content-version
// triggers refresh every cached page. German is the source: a translation published from the
// editor records the German text it was made from, so a later German change shows it stale.

/** Records one administrative change inside the transaction that makes it. */
export type RecordChange = (
  db: Db,
  subject: { type: string; id: string },
  details: Record<string, unknown>,
  fields: string[],
) => Promise<void>;

type Change = { old: unknown; new: unknown };
type Published = TextRow & { id: string };

const ALL_LANGS = LANGUAGES.map((l) => l.code);
/** The draft's pseudo-fields of the German draft: the concern's own columns. */
const FACT_FIELDS = { legalBasis: 'legal_basis', leikaKey: 'leika_key' } as const;

export type DraftInfo = { updatedAt: Date; updatedBy: string };

export type LanguageStatus = {
  lang: string;
  fields: Record<ConcernField, FieldStatus>;
  counts: StatusCounts;
  draft: DraftInfo | undefined;
};

function languageStatuses(
  id: string,
  texts: readonly Published[],
  drafts: readonly DraftRow[],
): LanguageStatus[] {
  const statusOf = statusIndex(texts);
  return ALL_LANGS.map((lang) => {
    const fields = Object.fromEntries(
      CONCERN_FIELDS.map((field) => [field, statusOf(id, lang, field)]),
    ) as Record<ConcernField, FieldStatus>;
    const mine = drafts.filter((d) => d.concernId === id && d.lang === lang);
    const latest = mine.reduce<DraftRow | undefined>(
      (a, b) => (a && a.updatedAt >= b.updatedAt ? a : b),
      undefined,
    );
    return {
      lang,
      fields,
      counts: countStatuses(Object.values(fields)),
      draft: latest ? { updatedAt: latest.updatedAt, updatedBy: latest.updatedBy } : undefined,
    };
  });
}

const germanTitle = (id: string, texts: readonly Published[]) =>
  texts.find((t) => t.id === id && t.lang === SOURCE_LANGUAGE && t.field === 'title')?.text ?? id;

export type ConcernStatusSummary = { id: string; title: string; languages: LanguageStatus[] };

/** Every concern with where its texts stand in each language (and which have drafts). */
export async function listConcernsForAdmin(
  db: Db,
  authorityId: string,
): Promise<ConcernStatusSummary[]> {
  const concerns = await listConcerns(db, authorityId);
  const ids = concerns.map((c) => c.id);
  const [texts, drafts] = await Promise.all([
    selectConcernTexts(db, authorityId, ids, ALL_LANGS),
    listDraftRows(db, authorityId),
  ]);
  return concerns.map((c) => ({
    id: c.id,
    title: germanTitle(c.id, texts),
    languages: languageStatuses(c.id, texts, drafts),
  }));
}

export type ConcernAdminView = ConcernStatusSummary & {
  legalBasis: string;
  leikaKey: string | null;
};

export async function concernForAdmin(
  db: Db,
  authorityId: string,
  id: string,
): Promise<ConcernAdminView | undefined> {
  const concern = (await listConcerns(db, authorityId)).find((c) => c.id === id);
  if (!concern) return undefined;
  const [texts, drafts] = await Promise.all([
    selectConcernTexts(db, authorityId, [id], ALL_LANGS),
    listDraftRows(db, authorityId, { concernId: id }),
  ]);
  return {
    id,
    title: germanTitle(id, texts),
    legalBasis: concern.legalBasis,
    leikaKey: concern.leikaKey,
    languages: languageStatuses(id, texts, drafts),
  };
}

export type EditorField = {
  field: ConcernField;
  /** The published text in this language ('' when there is none). */
  published: string;
  status: FieldStatus;
  /** The published German text, the source of a translation. */
  german: string;
  /** What the form shows: the draft's, else the published values. */
  value: string;
  review: 'reviewed' | 'unreviewed';
  confirmed: boolean;
};

export type ConcernEditorView = {
  id: string;
  title: string;
  lang: string;
  fields: EditorField[];
  /** German only: the legal citation and LeiKa key as the form shows them. */
  facts: { legalBasis: string; leikaKey: string };
  draft: DraftInfo | undefined;
  /** A German draft not published yet: translators should know their source may change. */
  germanDraft: boolean;
};

export async function concernEditor(
  db: Db,
  authorityId: string,
  id: string,
  lang: string,
): Promise<ConcernEditorView | undefined> {
  const concern = (await listConcerns(db, authorityId)).find((c) => c.id === id);
  if (!concern) return undefined;
  const [texts, drafts] = await Promise.all([
    selectConcernTexts(db, authorityId, [id], [...new Set([lang, SOURCE_LANGUAGE])]),
    listDraftRows(db, authorityId, { concernId: id }),
  ]);
  const statusOf = statusIndex(texts);
  const draft = drafts.filter((d) => d.lang === lang);
  const draftOf = (field: string) => draft.find((d) => d.field === field);
  const fields = CONCERN_FIELDS.map((field): EditorField => {
    const published = texts.find((t) => t.lang === lang && t.field === field);
    const german = texts.find((t) => t.lang === SOURCE_LANGUAGE && t.field === field);
    const drafted = draftOf(field);
    const review =
      (drafted?.status ?? published?.status) === 'unreviewed' ? 'unreviewed' : 'reviewed';
    return {
      field,
      published: published?.text ?? '',
      status: statusOf(id, lang, field),
      german: german?.text ?? '',
      value: drafted ? drafted.text : (published?.text ?? ''),
      // A new translation starts as unreviewed: someone other than its author checks it.
      review: published || drafted ? review : 'unreviewed',
      confirmed: drafted?.matchesSource ?? false,
    };
  });
  const latest = languageStatuses(id, texts, drafts).find((l) => l.lang === lang)?.draft;
  return {
    id,
    title: germanTitle(id, texts),
    lang,
    fields,
    facts: {
      legalBasis: draftOf(FACT_FIELDS.legalBasis)?.text ?? concern.legalBasis,
      leikaKey: draftOf(FACT_FIELDS.leikaKey)?.text ?? concern.leikaKey ?? '',
    },
    draft: latest,
    germanDraft: lang !== SOURCE_LANGUAGE && drafts.some((d) => d.lang === SOURCE_LANGUAGE),
  };
}

type DraftValue = {
  field: string;
  text: string;
  status: DraftRow['status'];
  matchesSource: boolean;
};

function draftValues(lang: string, input: DraftInput): DraftValue[] {
  const german = lang === SOURCE_LANGUAGE;
  const rows: DraftValue[] = CONCERN_FIELDS.map((field) => ({
    field,
    text: input.texts[field],
    status: german ? 'source' : input.statuses[field],
    matchesSource: !german && input.confirmed[field],
  }));
  if (german && input.facts) {
    rows.push(
      {
        field: FACT_FIELDS.legalBasis,
        text: input.facts.legalBasis,
        status: 'source',
        matchesSource: false,
      },
      {
        field: FACT_FIELDS.leikaKey,
        text: input.facts.leikaKey,
        status: 'source',
        matchesSource: false,
      },
    );
  }
  return rows;
}

/**
 * What publishing these draft values would change, field by field: the text, a translation's
 * review status, a stale translation confirmed as current, the German legal facts.
 */
function plannedChanges(
  lang: string,
  draft: readonly DraftValue[],
  published: readonly Published[],
  facts: { legalBasis: string; leikaKey: string | null },
): Record<string, Change> {
  const changes: Record<string, Change> = {};
  for (const row of draft) {
    if (row.field === FACT_FIELDS.legalBasis) {
      if (row.text !== facts.legalBasis)
        changes[row.field] = { old: facts.legalBasis, new: row.text };
      continue;
    }
    if (row.field === FACT_FIELDS.leikaKey) {
      const old = facts.leikaKey ?? '';
      if (row.text !== old) changes[row.field] = { old, new: row.text };
      continue;
    }
    const current = published.find((p) => p.lang === lang && p.field === row.field);
    const old = current?.text ?? '';
    if (row.text !== old) changes[row.field] = { old, new: row.text };
    if (lang === SOURCE_LANGUAGE || row.text === '') continue;
    if (current && current.status !== row.status) {
      changes[`${row.field}.status`] = { old: current.status, new: row.status };
    }
    if (current && current.stale && row.text === old && row.matchesSource) {
      changes[`${row.field}.stale`] = { old: true, new: false };
    }
  }
  return changes;
}

/** A translation needs a German text to be made from. */
function missingSources(
  lang: string,
  draft: readonly DraftValue[],
  published: readonly Published[],
): FormErrors {
  const errors: FormErrors = {};
  if (lang === SOURCE_LANGUAGE) return errors;
  for (const row of draft) {
    const german = published.some((p) => p.lang === SOURCE_LANGUAGE && p.field === row.field);
    if (row.text !== '' && !german) errors[row.field] = 'concerns.error.noSource';
  }
  return errors;
}

export type DraftOutcome =
  | { kind: 'saved' }
  | { kind: 'unchanged' }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'missing' };

/**
 * Saves the editor's form as the draft of one language. A draft that would change nothing
 * published is not kept (nothing to preview or publish).
 */
export async function saveConcernDraft(
  db: Db,
  authorityId: string,
  id: string,
  lang: string,
  input: DraftInput,
  actor: string,
  record: RecordChange,
): Promise<DraftOutcome> {
  return db.transaction().execute(async (tx): Promise<DraftOutcome> => {
    const concern = await lockConcern(tx, authorityId, id);
    if (!concern) return { kind: 'missing' };
    const published = await selectConcernTexts(
      tx,
      authorityId,
      [id],
      [...new Set([lang, SOURCE_LANGUAGE])],
    );
    const values = draftValues(lang, input);
    const errors = missingSources(lang, values, published);
    if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
    const changes = plannedChanges(lang, values, published, concern);
    const removed = await deleteDraft(tx, authorityId, id, lang);
    if (Object.keys(changes).length === 0) {
      if (removed > 0) {
        await record(tx, { type: 'concern', id }, { lang, draft: 'discarded' }, []);
      }
      return { kind: 'unchanged' };
    }
    await replaceDraft(tx, authorityId, id, lang, values, actor);
    await record(
      tx,
      { type: 'concern', id },
      { lang, draft: 'saved', changes },
      Object.keys(changes),
    );
    return { kind: 'saved' };
  });
}

export async function discardConcernDraft(
  db: Db,
  authorityId: string,
  id: string,
  lang: string,
  record: RecordChange,
): Promise<'discarded' | 'nothing' | 'missing'> {
  return db.transaction().execute(async (tx) => {
    if (!(await lockConcern(tx, authorityId, id))) return 'missing';
    if ((await deleteDraft(tx, authorityId, id, lang)) === 0) return 'nothing';
    await record(tx, { type: 'concern', id }, { lang, draft: 'discarded' }, []);
    return 'discarded';
  });
}

/** Identifies a draft's content: publishing checks that it is the draft that was previewed. */
function revisionOf(draft: readonly DraftValue[]): string {
  const rows = [...draft]
    .sort((a, b) => a.field.localeCompare(b.field))
    .map((r) => [r.field, r.text, r.status, r.matchesSource]);
  return sourceHash(JSON.stringify(rows));
}

export type ConcernPreview = {
  id: string;
  /** The German title, for the staff page around the preview. */
  title: string;
  lang: string;
  /** The concern as its public page would show it in `lang` once the draft is published. */
  concern: Concern;
  offices: Office[];
  /** Undefined without a draft: the preview then shows what is published. */
  draft: (DraftInfo & { revision: string; changes: Record<string, Change> }) | undefined;
  /** German fields the draft empties, with the languages whose translations go with them. */
  removals: { field: string; langs: string[] }[];
};

export async function concernPreview(
  db: Db,
  authorityId: string,
  id: string,
  lang: string,
): Promise<ConcernPreview | undefined> {
  const row = (await listConcerns(db, authorityId)).find((c) => c.id === id);
  if (!row) return undefined;
  const [published, draftRows, offices] = await Promise.all([
    selectConcernTexts(db, authorityId, [id], ALL_LANGS),
    listDraftRows(db, authorityId, { concernId: id, lang }),
    listOfficesOffering(db, authorityId, id, lang),
  ]);
  const chain = languageChain(lang);
  const draft: DraftValue[] = draftRows.map(({ field, text, status, matchesSource }) => ({
    field,
    text,
    status,
    matchesSource,
  }));
  const drafted = new Set(draft.map((d) => d.field));
  // The published rows of the reader's languages, with the draft's in place of its language's.
  const rows: TextRow[] = published.filter(
    (p) => chain.includes(p.lang) && !(p.lang === lang && drafted.has(p.field)),
  );
  for (const d of draft) {
    if (d.text === '' || !(CONCERN_FIELDS as readonly string[]).includes(d.field)) continue;
    const current = published.find((p) => p.lang === lang && p.field === d.field);
    const keepsHash = current !== undefined && current.text === d.text && !d.matchesSource;
    rows.push({
      lang,
      field: d.field,
      text: d.text,
      status: d.status,
      stale: keepsHash ? current.stale : false,
    });
  }
  const fact = (field: string) => draft.find((d) => d.field === field)?.text;
  const leikaKey = fact(FACT_FIELDS.leikaKey) ?? row.leikaKey ?? '';
  const concern: Concern = {
    id,
    legalBasis: fact(FACT_FIELDS.legalBasis) ?? row.legalBasis,
    leikaKey: leikaKey === '' ? null : leikaKey,
    ...resolveTexts(rows, CONCERN_FIELDS, lang),
  };
  const latest = draftRows.reduce<DraftRow | undefined>(
    (a, b) => (a && a.updatedAt >= b.updatedAt ? a : b),
    undefined,
  );
  const removals =
    lang === SOURCE_LANGUAGE
      ? draft
          .filter(
            (d) => d.text === '' && published.some((p) => p.lang === lang && p.field === d.field),
          )
          .map((d) => ({
            field: d.field,
            langs: published
              .filter((p) => p.field === d.field && p.lang !== SOURCE_LANGUAGE)
              .map((p) => p.lang),
          }))
      : [];
  return {
    id,
    title: germanTitle(id, published),
    lang,
    concern,
    offices,
    draft: latest
      ? {
          updatedAt: latest.updatedAt,
          updatedBy: latest.updatedBy,
          revision: revisionOf(draft),
          changes: plannedChanges(lang, draft, published, row),
        }
      : undefined,
    removals,
  };
}

export type PublishOutcome =
  | { kind: 'published'; changed: string[] }
  | { kind: 'nothing' }
  /** The draft changed after the preview the publisher saw. */
  | { kind: 'outdated' }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'missing' };

/**
 * Publishes the draft of one language, if it is still the one previewed: writes only what
 * changes, removes the draft, and records the change, all in one transaction.
 */
export async function publishConcernDraft(
  db: Db,
  authorityId: string,
  id: string,
  lang: string,
  revision: string,
  record: RecordChange,
): Promise<PublishOutcome> {
  return db.transaction().execute(async (tx): Promise<PublishOutcome> => {
    const concern = await lockConcern(tx, authorityId, id);
    if (!concern) return { kind: 'missing' };
    const draft: DraftValue[] = (
      await listDraftRows(tx, authorityId, { concernId: id, lang }, true)
    ).map(({ field, text, status, matchesSource }) => ({ field, text, status, matchesSource }));
    if (draft.length === 0) return { kind: 'nothing' };
    if (revisionOf(draft) !== revision) return { kind: 'outdated' };
    const published = await selectConcernTexts(tx, authorityId, [id], ALL_LANGS);
    // The German text may have been emptied since the draft was saved.
    const errors = missingSources(lang, draft, published);
    if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
    const changes = plannedChanges(lang, draft, published, concern);
    const translationsRemoved: Record<string, string[]> = {};
    for (const row of draft) {
      if (!(CONCERN_FIELDS as readonly string[]).includes(row.field)) continue;
      if (
        !changes[row.field] &&
        !changes[`${row.field}.status`] &&
        !changes[`${row.field}.stale`]
      ) {
        continue;
      }
      if (row.text === '') {
        if (lang === SOURCE_LANGUAGE) {
          // A translation of nothing would still be shown to its readers: it goes too.
          translationsRemoved[row.field] = published
            .filter((p) => p.field === row.field && p.lang !== SOURCE_LANGUAGE)
            .map((p) => p.lang);
          await deletePublishedTexts(tx, authorityId, id, row.field);
        } else {
          await deletePublishedTexts(tx, authorityId, id, row.field, [lang]);
        }
        continue;
      }
      if (!changes[row.field] && !changes[`${row.field}.stale`]) {
        await updatePublishedStatus(tx, authorityId, {
          concernId: id,
          lang,
          field: row.field,
          status: row.status,
        });
        continue;
      }
      const german = published.find((p) => p.lang === SOURCE_LANGUAGE && p.field === row.field);
      await upsertPublishedText(tx, authorityId, {
        concernId: id,
        lang,
        field: row.field,
        text: row.text,
        status: row.status,
        // Saved from the editor beside the current German text: made from that text.
        sourceHash: lang === SOURCE_LANGUAGE ? null : sourceHash(german?.text ?? ''),
      });
    }
    if (changes[FACT_FIELDS.legalBasis] || changes[FACT_FIELDS.leikaKey]) {
      const fact = (field: string) => draft.find((d) => d.field === field)?.text;
      const leikaKey = fact(FACT_FIELDS.leikaKey) ?? concern.leikaKey ?? '';
      await updateConcernFacts(tx, authorityId, id, {
        legalBasis: fact(FACT_FIELDS.legalBasis) ?? concern.legalBasis,
        leikaKey: leikaKey === '' ? null : leikaKey,
      });
    }
    await deleteDraft(tx, authorityId, id, lang);
    const fields = Object.keys(changes);
    await record(
      tx,
      { type: 'concern', id },
      {
        lang,
        published: true,
        changes,
        ...(Object.keys(translationsRemoved).length > 0 ? { translationsRemoved } : {}),
      },
      fields,
    );
    return { kind: 'published', changed: fields };
  });
}
