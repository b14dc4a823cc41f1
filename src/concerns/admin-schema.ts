import { z } from 'zod';
import { LANGUAGES, SOURCE_LANGUAGE } from '../platform/i18n/languages.ts';
import { formErrors, formText, requiredText } from '../platform/ui/staff-validation.ts';
import { CONCERN_FIELDS, type ConcernField } from './service.ts';

// The forms of concern administration. Messages are keys of the staff catalogue
// locales/staff/<lang>/concerns.json.

export const concernAdminParamsSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
});

export const concernLanguageParamsSchema = concernAdminParamsSchema.extend({
  lang: z.enum(LANGUAGES.map((l) => l.code) as [string, ...string[]]),
});

const TOO_LONG = 'concerns.error.tooLong';

/** Longest text per field, in characters: room above the longest demo text in any language. */
export const FIELD_LIMITS: Record<ConcernField, number> = {
  title: 150,
  summary: 2000,
  audience: 1000,
  documents: 3000,
  fee: 1500,
  duration: 1000,
  legal_basis_note: 1500,
};
const MULTILINE = new Set<ConcernField>([
  'summary',
  'audience',
  'documents',
  'fee',
  'duration',
  'legal_basis_note',
]);
/** The German page needs at least these to make sense. */
const REQUIRED_IN_GERMAN = new Set<ConcernField>(['title', 'summary']);
export const MAX_DOCUMENTS = 30;
const MAX_DOCUMENT_LENGTH = 300;

export const statusField = (field: ConcernField) => `status_${field}`;
export const currentField = (field: ConcernField) => `current_${field}`;

export type DraftInput = {
  texts: Record<ConcernField, string>;
  /** Translations only: whether the person saving has checked the translation. */
  statuses: Record<ConcernField, 'reviewed' | 'unreviewed'>;
  /** Translations only: an unchanged translation confirmed to match the current German. */
  confirmed: Record<ConcernField, boolean>;
  /** German only: the legal citation and the LeiKa key, the same in every language. */
  facts?: { legalBasis: string; leikaKey: string };
};

function textSchema(field: ConcernField, german: boolean) {
  const options = { multiline: MULTILINE.has(field) };
  const base =
    german && REQUIRED_IN_GERMAN.has(field)
      ? requiredText(FIELD_LIMITS[field], `concerns.error.${field}Missing`, TOO_LONG, options)
      : formText(FIELD_LIMITS[field], TOO_LONG, options);
  if (field !== 'documents') return base;
  return base
    .refine(
      (text) => text.split('\n').filter((l) => l.trim() !== '').length <= MAX_DOCUMENTS,
      'concerns.error.tooManyDocuments',
    )
    .refine(
      (text) => text.split('\n').every((l) => [...l].length <= MAX_DOCUMENT_LENGTH),
      'concerns.error.documentTooLong',
    );
}

const checkbox = z.preprocess(
  (value) => (Array.isArray(value) ? value[0] : value) === 'yes',
  z.boolean(),
);
const reviewStatus = z.preprocess(
  (value) => (Array.isArray(value) ? value[0] : value) ?? 'unreviewed',
  z.enum(['reviewed', 'unreviewed'], 'concerns.error.status'),
);

const facts = z.object({
  legal_basis: requiredText(300, 'concerns.error.legalBasisMissing', TOO_LONG),
  leika_key: formText(14, 'concerns.error.leikaKey').refine(
    (v) => v === '' || /^[0-9]{14}$/.test(v),
    'concerns.error.leikaKey',
  ),
});

const schemas = new Map(
  LANGUAGES.map((language) => {
    const german = language.code === SOURCE_LANGUAGE;
    const shape: Record<string, z.ZodType> = {};
    for (const field of CONCERN_FIELDS) {
      shape[field] = textSchema(field, german);
      if (!german) {
        shape[statusField(field)] = reviewStatus;
        shape[currentField(field)] = checkbox;
      }
    }
    const schema = german ? z.object(shape).extend(facts.shape) : z.object(shape);
    return [language.code, schema] as const;
  }),
);

/** Reads the editor's form for one language; errors are per field (catalogue keys). */
export function parseDraftForm(
  lang: string,
  body: unknown,
): { ok: true; input: DraftInput } | { ok: false; errors: Record<string, string> } {
  const schema = schemas.get(lang);
  if (!schema) return { ok: false, errors: { form: 'concerns.error.invalid' } };
  const parsed = schema.safeParse(body && typeof body === 'object' ? body : {});
  if (!parsed.success) {
    return { ok: false, errors: formErrors(parsed.error.issues, 'concerns.error.invalid') };
  }
  const data = parsed.data as Record<string, unknown>;
  const byField = <T>(read: (field: ConcernField) => T) =>
    Object.fromEntries(CONCERN_FIELDS.map((field) => [field, read(field)])) as Record<
      ConcernField,
      T
    >;
  return {
    ok: true,
    input: {
      texts: byField((field) => data[field] as string),
      statuses: byField(
        (field) =>
          (data[statusField(field)] as 'reviewed' | 'unreviewed' | undefined) ?? 'reviewed',
      ),
      confirmed: byField((field) => data[currentField(field)] === true),
      ...(lang === SOURCE_LANGUAGE
        ? {
            facts: {
              legalBasis: data.legal_basis as string,
              leikaKey: data.leika_key as string,
            },
          }
        : {}),
    },
  };
}

export const publishSchema = z.object({
  revision: z.preprocess(
    (value) => (Array.isArray(value) ? value[0] : value),
    z.string().regex(/^[0-9a-f]{32}$/),
  ),
});

export const concernQuerySchema = z.object({
  published: z.enum(LANGUAGES.map((l) => l.code) as [string, ...string[]]).optional(),
});

export const editorQuerySchema = z.object({
  notice: z.enum(['unchanged', 'discarded']).optional(),
});
