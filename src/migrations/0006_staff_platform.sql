-- The staff platform: personal accounts with roles scoped to offices (or, for partners, to an
-- organisation), second factors, sessions, sign-in throttling and an append-only audit trail.
-- Replaces the temporary shared login (staff_user, staff_session) and audit_log.

-- The temporary shared login goes; its sessions end.
DROP TABLE staff_session;
DROP TABLE staff_user;

-- Partner organisations (counselling services, language schools, …); their screens come later.
CREATE TABLE organisation (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id text NOT NULL CHECK (id ~ '^[a-z0-9-]{1,64}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  PRIMARY KEY (authority_id, id)
);

CREATE TABLE staff_member (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  username text NOT NULL CHECK (username ~ '^[a-z0-9._-]{2,40}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
  email text CHECK (email IS NULL OR length(email) <= 254),
  -- argon2id PHC string; NULL for accounts that sign in only through single sign-on.
  password_hash text,
  -- A password set by someone else (the CLI, an administrator) must be replaced at sign-in.
  password_temporary boolean NOT NULL DEFAULT false,
  -- The TOTP secret, AES-256-GCM encrypted with a key derived from the session secret.
  totp_secret text,
  totp_confirmed_at timestamptz,
  -- The last accepted time step: a code is accepted once.
  totp_last_step bigint,
  oidc_issuer text,
  oidc_subject text,
  active boolean NOT NULL DEFAULT true,
  -- Seeded by the demo data; production refuses to start while one exists.
  demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (authority_id, id),
  UNIQUE (authority_id, username),
  UNIQUE (authority_id, oidc_issuer, oidc_subject),
  -- Child rows name their member by id alone; their authority_id is filled in from here.
  UNIQUE (id)
);

-- The tables below belong to a member and so to the member's authority: like every
-- authority-owned table they key on authority_id first (sharding by authority), which this
-- trigger copies from the member so that callers name the member only.
CREATE FUNCTION staff_child_authority() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.authority_id IS NULL THEN
    SELECT m.authority_id INTO NEW.authority_id FROM staff_member m WHERE m.id = NEW.staff_id;
  END IF;
  RETURN NEW;
END
$$;

CREATE TABLE staff_role (
  authority_id text NOT NULL,
  staff_id uuid NOT NULL,
  role text NOT NULL CHECK (
    role IN ('reception', 'caseworker', 'team_lead', 'administrator', 'data_protection_officer', 'partner')
  ),
  -- NULL: every office of the authority.
  office_id text,
  -- Set exactly for the partner role.
  organisation_id text,
  CHECK ((role = 'partner') = (organisation_id IS NOT NULL)),
  UNIQUE NULLS NOT DISTINCT (staff_id, role, office_id, organisation_id),
  FOREIGN KEY (authority_id, staff_id) REFERENCES staff_member (authority_id, id) ON DELETE CASCADE,
  FOREIGN KEY (authority_id, office_id) REFERENCES office (authority_id, id) ON DELETE CASCADE,
  FOREIGN KEY (authority_id, organisation_id) REFERENCES organisation (authority_id, id) ON DELETE CASCADE
);

-- The languages a member of staff speaks: reception and the case inbox route by them.
CREATE TABLE staff_language (
  authority_id text NOT NULL,
  staff_id uuid NOT NULL,
  lang text NOT NULL CHECK (lang ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  level text NOT NULL CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native')),
  PRIMARY KEY (authority_id, staff_id, lang),
  FOREIGN KEY (authority_id, staff_id) REFERENCES staff_member (authority_id, id) ON DELETE CASCADE
);
CREATE TRIGGER staff_language_authority BEFORE INSERT ON staff_language
  FOR EACH ROW EXECUTE FUNCTION staff_child_authority();

CREATE TABLE staff_recovery_code (
  authority_id text NOT NULL,
  staff_id uuid NOT NULL,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (authority_id, staff_id, code_hash),
  FOREIGN KEY (authority_id, staff_id) REFERENCES staff_member (authority_id, id) ON DELETE CASCADE
);
CREATE TRIGGER staff_recovery_code_authority BEFORE INSERT ON staff_recovery_code
  FOR EACH ROW EXECUTE FUNCTION staff_child_authority();

CREATE TABLE staff_passkey (
  authority_id text NOT NULL,
  credential_id text NOT NULL,
  staff_id uuid NOT NULL,
  public_key bytea NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  PRIMARY KEY (authority_id, credential_id),
  FOREIGN KEY (authority_id, staff_id) REFERENCES staff_member (authority_id, id) ON DELETE CASCADE
);
CREATE INDEX staff_passkey_staff_idx ON staff_passkey (staff_id);
CREATE TRIGGER staff_passkey_authority BEFORE INSERT ON staff_passkey
  FOR EACH ROW EXECUTE FUNCTION staff_child_authority();

-- The browser holds a random token; the database keeps its SHA-256.
CREATE TABLE staff_session (
  authority_id text NOT NULL,
  token_hash text NOT NULL,
  staff_id uuid NOT NULL,
  -- second_factor: password accepted, TOTP (or recovery code) pending; enrol: password
  -- accepted, TOTP to be set up (or a temporary password to be replaced); active: signed in.
  stage text NOT NULL CHECK (stage IN ('second_factor', 'enrol', 'active')),
  method text NOT NULL CHECK (method IN ('password', 'totp', 'recovery_code', 'passkey', 'oidc')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  user_agent text NOT NULL DEFAULT '',
  PRIMARY KEY (authority_id, token_hash),
  FOREIGN KEY (authority_id, staff_id) REFERENCES staff_member (authority_id, id) ON DELETE CASCADE
);
-- Sign-in steps and sign-out find a session by its token alone.
CREATE INDEX staff_session_token_idx ON staff_session (token_hash);
CREATE INDEX staff_session_staff_idx ON staff_session (staff_id);
CREATE INDEX staff_session_expires_idx ON staff_session (expires_at);

-- Failed sign-ins, counted per account and per (pseudonymised) client address over a window.
CREATE TABLE sign_in_failure (
  authority_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('account', 'address')),
  key text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX sign_in_failure_key_idx ON sign_in_failure (authority_id, kind, key, at);

-- The audit trail. Append-only: the runtime role may only insert and read (see the grants
-- applied after every migration), and every entry carries the hash of its predecessor, so
-- that an entry changed or removed by the owner breaks the chain (`welcome-center audit
-- verify`). No foreign key: deleting an authority leaves its trail.
CREATE TABLE audit_event (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  authority_id text NOT NULL,
  actor_id uuid,
  actor_name text NOT NULL,
  action text NOT NULL,
  subject_type text,
  subject_id text,
  fields text[] NOT NULL DEFAULT '{}',
  purpose text,
  request_id text,
  client text,
  details jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_event_at_idx ON audit_event (authority_id, at);
CREATE INDEX audit_event_actor_idx ON audit_event (authority_id, actor_id, at);
CREATE INDEX audit_event_subject_idx ON audit_event (authority_id, subject_type, subject_id, at);

-- The text an entry's hash covers; `audit verify` recomputes it the same way.
CREATE FUNCTION audit_event_digest(e audit_event) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(
    e.prev_hash || jsonb_build_array(
      e.seq, (extract(epoch FROM e.at) * 1000000)::bigint, e.authority_id, e.actor_id,
      e.actor_name, e.action, e.subject_type, e.subject_id, e.fields, e.purpose,
      e.request_id, e.client, e.details
    )::text, 'UTF8')), 'hex')
$$;

-- Numbers and chains each new entry. One entry at a time (a transaction-scoped advisory lock):
-- the chain must have one order, whatever the order of commits.
CREATE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last audit_event%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(7307001);
  SELECT * INTO last FROM audit_event ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.at := clock_timestamp();
  NEW.prev_hash := coalesce(last.hash, '');
  NEW.hash := audit_event_digest(NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- The old trail moves into the chain, oldest first.
INSERT INTO audit_event (seq, at, authority_id, actor_name, action, subject_type, subject_id, request_id, prev_hash, hash)
SELECT 0, at, authority_id, actor, action, 'legacy', subject, request_id, '', ''
FROM audit_log ORDER BY at, id;

DROP TABLE audit_log;
