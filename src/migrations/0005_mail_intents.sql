-- A confirmation can be queued in the very statement that makes what it confirms (the
-- booking), before its text exists: such a row names what to compose it from
-- (compose_kind, compose_ref). The request composes it right after the statement; should it
-- not get there (a crash), the sender composes it before sending. Either way the booking
-- never exists without its mail, and a booking attempt needs no transaction.
ALTER TABLE mail_outbox
  ALTER COLUMN subject DROP NOT NULL,
  ALTER COLUMN body DROP NOT NULL,
  ADD COLUMN compose_kind text,
  ADD COLUMN compose_ref text,
  ADD CONSTRAINT mail_outbox_composed_or_to_compose CHECK (
    (subject IS NOT NULL AND body IS NOT NULL)
    OR (compose_kind IS NOT NULL AND compose_ref IS NOT NULL));
CREATE INDEX mail_outbox_to_compose_idx ON mail_outbox (authority_id, compose_kind, compose_ref)
  WHERE subject IS NULL;
