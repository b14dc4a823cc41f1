-- The platform's journey engine keeps the answers of every one-question-per-page journey
-- (booking, rescheduling, later the guided forms) per browser, keyed by a signed cookie:
-- one JSON object with a slice per journey, each parsed by its journey's schema when read.
-- Replaces booking_journey; journeys in progress are short-lived, so none are carried over.
CREATE TABLE journey_session (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (authority_id, id)
);
CREATE INDEX journey_session_expires_idx ON journey_session (expires_at);

DROP TABLE booking_journey;
