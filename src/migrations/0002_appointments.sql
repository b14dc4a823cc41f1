-- Appointments: capacity rules and release policies as data, slots materialised ahead as
-- rows that carry their capacity, bookings that take capacity with one guarded statement.

ALTER TABLE authority ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Berlin';

-- How a concern is booked: slot length and when slots are released.
CREATE TABLE booking_policy (
  authority_id text NOT NULL,
  concern_id text NOT NULL,
  slot_minutes integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
  -- 'rolling': bookable up to release_weeks_ahead weeks ahead.
  -- 'weekly': next week's slots open on release_weekday at release_time (local time).
  release_mode text NOT NULL CHECK (release_mode IN ('rolling', 'weekly')),
  release_weeks_ahead integer NOT NULL DEFAULT 6 CHECK (release_weeks_ahead BETWEEN 1 AND 52),
  release_weekday smallint CHECK (release_weekday BETWEEN 1 AND 7),
  release_time time,
  PRIMARY KEY (authority_id, concern_id),
  FOREIGN KEY (authority_id, concern_id) REFERENCES concern (authority_id, id) ON DELETE CASCADE,
  CHECK (release_mode <> 'weekly' OR (release_weekday IS NOT NULL AND release_time IS NOT NULL))
);

-- Desks that serve a concern at an office on a weekday between two local times.
CREATE TABLE capacity_rule (
  authority_id text NOT NULL,
  office_id text NOT NULL,
  concern_id text NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO 8601: Monday = 1
  starts time NOT NULL,
  ends time NOT NULL,
  desks integer NOT NULL CHECK (desks BETWEEN 1 AND 100),
  PRIMARY KEY (authority_id, office_id, concern_id, weekday, starts),
  FOREIGN KEY (authority_id, office_id, concern_id)
    REFERENCES office_concern (authority_id, office_id, concern_id) ON DELETE CASCADE,
  CHECK (ends > starts)
);

-- Days an office is closed besides public holidays.
CREATE TABLE closure (
  authority_id text NOT NULL,
  office_id text NOT NULL,
  day date NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (authority_id, office_id, day),
  FOREIGN KEY (authority_id, office_id) REFERENCES office (authority_id, id) ON DELETE CASCADE
);

-- Statutory public holidays per Land (reference data, not owned by an authority).
CREATE TABLE public_holiday (
  land text NOT NULL CHECK (land ~ '^[A-Z]{2}$'),
  day date NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (land, day)
);

CREATE TABLE slot (
  authority_id text NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  office_id text NOT NULL,
  concern_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  -- From this instant on the slot can be booked (the concern's release policy).
  released_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 0),
  booked integer NOT NULL DEFAULT 0,
  PRIMARY KEY (authority_id, id),
  UNIQUE (authority_id, office_id, concern_id, starts_at),
  FOREIGN KEY (authority_id, office_id, concern_id)
    REFERENCES office_concern (authority_id, office_id, concern_id) ON DELETE CASCADE,
  -- The last line of defence against overbooking, whatever the code does.
  CHECK (booked >= 0 AND booked <= capacity),
  CHECK (ends_at > starts_at)
);

CREATE INDEX slot_free_idx ON slot (authority_id, concern_id, office_id, starts_at)
  WHERE booked < capacity;

CREATE TABLE booking (
  authority_id text NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  -- Random, not guessable, shown to the person; looked up together with the date of birth.
  code text NOT NULL CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
  slot_id bigint NOT NULL,
  concern_id text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'completed')),
  family_name text NOT NULL,
  given_names text NOT NULL,
  -- Normalised name, so that "MÜLLER, Anna" and "Mueller Anna" are one person.
  person_key text NOT NULL,
  date_of_birth date NOT NULL,
  email text,
  phone text,
  language text NOT NULL,
  interpreter_language text,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  PRIMARY KEY (authority_id, id),
  UNIQUE (authority_id, code),
  FOREIGN KEY (authority_id, slot_id) REFERENCES slot (authority_id, id),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- One active booking per person and concern.
CREATE UNIQUE INDEX booking_one_active_per_person
  ON booking (authority_id, concern_id, person_key, date_of_birth) WHERE status = 'active';
CREATE INDEX booking_slot_idx ON booking (authority_id, slot_id) WHERE status = 'active';

-- Answers of a booking journey in progress (one question per page, no JavaScript needed),
-- keyed by a signed cookie; expired rows are purged.
CREATE TABLE booking_journey (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  answers jsonb NOT NULL DEFAULT '{}',
  booking_id bigint,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (authority_id, id)
);

-- Mail is written here in the same transaction as what it confirms, then delivered.
CREATE TABLE mail_outbox (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  recipient text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  attachments jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  PRIMARY KEY (authority_id, id)
);
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (created_at) WHERE sent_at IS NULL;

CREATE TABLE staff_user (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  username text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  PRIMARY KEY (authority_id, username)
);

CREATE TABLE staff_session (
  authority_id text NOT NULL,
  token_hash text NOT NULL,
  username text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (authority_id, token_hash),
  FOREIGN KEY (authority_id, username) REFERENCES staff_user (authority_id, username) ON DELETE CASCADE
);

-- Every read of personal data by staff.
CREATE TABLE audit_log (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  request_id text,
  PRIMARY KEY (authority_id, id)
);
