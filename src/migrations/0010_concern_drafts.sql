-- Concern texts in the making (administration, issue 7): an editor saves one language's texts
-- as a draft, previews the public page with them, and publishes. Public pages read only
-- concern_text and concern, so a draft never shows there. Publishing writes the draft into
-- those tables and deletes it in one transaction; their content-version triggers (0003) then
-- refresh every cached public page. No trigger here: a draft changes no public page.
CREATE TABLE concern_text_draft (
  authority_id text NOT NULL,
  concern_id text NOT NULL,
  lang text NOT NULL CHECK (lang ~ '^[a-z]{2,3}(-[a-z]+)?$'),
  -- The fields of concern_text; the German draft also carries the concern's legal citation and
  -- LeiKa key, which are the same in every language.
  field text NOT NULL CHECK (
    field IN ('title', 'summary', 'audience', 'documents', 'fee', 'duration', 'legal_basis_note')
    OR (lang = 'de' AND field IN ('legal_basis', 'leika_key'))
  ),
  -- Empty: publishing removes the field's text.
  text text NOT NULL,
  status text NOT NULL CHECK (status IN ('source', 'reviewed', 'unreviewed')),
  -- The editor confirmed that an unchanged translation still matches the current German text
  -- (publishing then clears its "stale" mark).
  matches_source boolean NOT NULL DEFAULT false,
  -- User name of the member of staff who saved it last (who did what is in the audit trail).
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (authority_id, concern_id, lang, field),
  FOREIGN KEY (authority_id, concern_id) REFERENCES concern (authority_id, id) ON DELETE CASCADE,
  CHECK ((status = 'source') = (lang = 'de'))
);
