-- Functions with a fixed search_path (review M4). A function that names a table without its
-- schema finds whatever the caller's search_path finds first, and a session's temporary
-- schema comes before everything else for tables and types unless the path names pg_temp: a
-- role that may create temporary tables could put a table called audit_event in front of the
-- real one and make audit_event_chain number and link new entries from rows of its choosing.
-- The runtime role loses TEMPORARY on the database (platform/db/grants.ts); independently of
-- that, every function of ours now names its tables with their schema or runs with
-- pg_catalog, public and then pg_temp (last, so that it can shadow nothing).

CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  last public.audit_event%ROWTYPE;
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(7307001);
  SELECT * INTO last FROM public.audit_event ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.at := pg_catalog.clock_timestamp();
  NEW.prev_hash := coalesce(last.hash, '');
  NEW.hash := public.audit_event_digest(NEW);
  RETURN NEW;
END
$$;

ALTER FUNCTION audit_event_digest(audit_event) SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION audit_event_append_only() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION audit_event_purge(timestamptz) SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION staff_child_authority() SET search_path = pg_catalog, public, pg_temp;
-- Older than the staff platform, but a trigger on content the runtime role writes all the same.
ALTER FUNCTION bump_content_version() SET search_path = pg_catalog, public, pg_temp;

-- The data-protection officer's search for a record also finds the entries whose details list
-- it among the records a page showed (the day list: {"bookings": ["<id>", …]}), by jsonb
-- containment; jsonb_path_ops indexes exactly that operator, and compactly.
CREATE INDEX audit_event_details_idx ON audit_event USING gin (details jsonb_path_ops);
