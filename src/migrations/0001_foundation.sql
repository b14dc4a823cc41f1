-- Foundation: authorities, offices, concerns, and their translatable texts.
-- Every authority-owned table carries authority_id in its primary and foreign keys,
-- so that the schema can be sharded by authority later without rewriting it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE authority (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]+$'),
  name text NOT NULL,
  land text NOT NULL CHECK (land ~ '^[A-Z]{2}$'),
  contact_email text NOT NULL,
  accessibility_email text NOT NULL,
  -- Date of the accessibility statement and the Land's conciliation body it points to.
  accessibility_statement_date date NOT NULL,
  conciliation_url text NOT NULL CHECK (conciliation_url ~ '^https://'),
  phone text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE authority_host (
  host text PRIMARY KEY CHECK (host = lower(host)),
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE
);

-- Text-search configuration for a language code; 'simple' where PostgreSQL has no stemmer.
CREATE FUNCTION search_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT (CASE split_part(lang, '-', 1)
    WHEN 'de' THEN 'german'
    WHEN 'en' THEN 'english'
    WHEN 'ar' THEN 'arabic'
    WHEN 'ru' THEN 'russian'
    WHEN 'tr' THEN 'turkish'
    ELSE 'simple'
  END)::regconfig
$$;

CREATE TABLE office (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id text NOT NULL CHECK (id ~ '^[a-z0-9-]+$'),
  kind text NOT NULL CHECK (kind IN ('central', 'district')),
  street text NOT NULL,
  postal_code text NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
  city text NOT NULL,
  latitude numeric(8, 6),
  longitude numeric(9, 6),
  phone text,
  email text,
  -- Languages the staff there speak, as BCP 47 codes.
  languages text[] NOT NULL DEFAULT '{}',
  wheelchair_accessible boolean NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (authority_id, id)
);

CREATE TABLE office_opening_hours (
  authority_id text NOT NULL,
  office_id text NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO 8601: Monday = 1
  opens time NOT NULL,
  closes time NOT NULL,
  PRIMARY KEY (authority_id, office_id, weekday, opens),
  FOREIGN KEY (authority_id, office_id) REFERENCES office (authority_id, id) ON DELETE CASCADE,
  CHECK (closes > opens)
);

CREATE TABLE concern (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id text NOT NULL CHECK (id ~ '^[a-z0-9-]+$'),
  -- Key of the federal service catalogue (LeiKa); empty unless verified.
  leika_key text CHECK (leika_key ~ '^[0-9]{14}$'),
  legal_basis text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (authority_id, id)
);

CREATE TABLE office_concern (
  authority_id text NOT NULL,
  office_id text NOT NULL,
  concern_id text NOT NULL,
  PRIMARY KEY (authority_id, office_id, concern_id),
  FOREIGN KEY (authority_id, office_id) REFERENCES office (authority_id, id) ON DELETE CASCADE,
  FOREIGN KEY (authority_id, concern_id) REFERENCES concern (authority_id, id) ON DELETE CASCADE
);

-- Translatable fields, one row per entity, language and field. German rows are the source
-- (status 'source'); a translation remembers the md5 of the German text it was made from,
-- so a changed source marks it stale.
CREATE TABLE office_text (
  authority_id text NOT NULL,
  office_id text NOT NULL,
  lang text NOT NULL CHECK (lang ~ '^[a-z]{2,3}(-[a-z]+)?$'),
  field text NOT NULL CHECK (field IN ('name', 'accessibility', 'directions')),
  text text NOT NULL CHECK (text <> ''),
  status text NOT NULL CHECK (status IN ('source', 'reviewed', 'unreviewed')),
  source_hash text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (authority_id, office_id, lang, field),
  FOREIGN KEY (authority_id, office_id) REFERENCES office (authority_id, id) ON DELETE CASCADE,
  CHECK ((status = 'source') = (lang = 'de')),
  CHECK ((status = 'source') = (source_hash IS NULL))
);

CREATE TABLE concern_text (
  authority_id text NOT NULL,
  concern_id text NOT NULL,
  lang text NOT NULL CHECK (lang ~ '^[a-z]{2,3}(-[a-z]+)?$'),
  field text NOT NULL CHECK (
    field IN ('title', 'summary', 'audience', 'documents', 'fee', 'duration', 'legal_basis_note')
  ),
  text text NOT NULL CHECK (text <> ''),
  status text NOT NULL CHECK (status IN ('source', 'reviewed', 'unreviewed')),
  source_hash text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  search_vector tsvector GENERATED ALWAYS AS (to_tsvector(search_config(lang), text)) STORED,
  PRIMARY KEY (authority_id, concern_id, lang, field),
  FOREIGN KEY (authority_id, concern_id) REFERENCES concern (authority_id, id) ON DELETE CASCADE,
  CHECK ((status = 'source') = (lang = 'de')),
  CHECK ((status = 'source') = (source_hash IS NULL))
);

CREATE INDEX concern_text_search_idx ON concern_text USING gin (search_vector);
CREATE INDEX concern_text_trigram_idx ON concern_text USING gin (text gin_trgm_ops);
