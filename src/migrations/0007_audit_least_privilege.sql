-- The audit trail under least privilege (decision 12). The app's runtime role may only insert
-- and read audit_event (the grants applied after every migration, platform/db/grants.ts);
-- this migration adds what the owner itself must not do by accident, and the one way to
-- remove entries: the retention purge.

-- Even the owner cannot change or remove entries by an ordinary statement: an UPDATE, DELETE
-- or TRUNCATE fails unless it comes from audit_event_purge below. (An owner can still disable
-- this trigger; the hash chain is what shows such a change: `welcome-center audit verify`.)
CREATE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('welcome_center.audit_purge', true) = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
      HINT = 'Entries past their retention period are removed with audit_event_purge(before).';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- Retention: removes the entries written before `before`, which must lie at least one year in
-- the past (the shortest period the trail is kept, whatever the caller asks). Only a prefix of
-- the chain goes: everything before the oldest entry written at or after `before`, and never
-- the newest entry, so the remaining entries still form one unbroken chain that starts at the
-- oldest one left and new entries go on numbering and chaining from the newest.
-- Runs with the owner's rights (SECURITY DEFINER), so the runtime role may call it without
-- any right to delete. Returns the number of entries removed.
CREATE FUNCTION audit_event_purge(before timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  keep_from bigint;
  removed bigint;
BEGIN
  IF before IS NULL OR before > now() - interval '1 year' THEN
    RAISE EXCEPTION 'audit entries are kept for at least one year; % is too recent', before
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- One purge at a time, and none while an entry is being chained.
  PERFORM pg_advisory_xact_lock(7307001);
  SELECT min(seq) INTO keep_from FROM public.audit_event WHERE at >= before;
  IF keep_from IS NULL THEN
    SELECT coalesce(max(seq), 0) INTO keep_from FROM public.audit_event;
  END IF;
  PERFORM set_config('welcome_center.audit_purge', 'on', true);
  DELETE FROM public.audit_event WHERE seq < keep_from;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('welcome_center.audit_purge', 'off', true);
  RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION audit_event_purge(timestamptz) FROM PUBLIC;
