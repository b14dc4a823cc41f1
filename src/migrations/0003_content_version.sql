-- Content version: one number per authority that changes in the same transaction as every
-- write to the content public pages show (concerns, offices, their texts, opening hours and
-- which office offers which concern). App instances keep the loaded content in memory and read
-- only this number per request, so a change is visible on every instance at its next request.

-- One sequence for all authorities, so that a version never repeats, not even for an
-- authority that is deleted and created again.
CREATE SEQUENCE content_version_seq;

-- No foreign key to authority: deleting an authority deletes its content, whose triggers then
-- write here; a leftover row is harmless.
CREATE TABLE content_version (
  authority_id text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (authority_id)
);

CREATE FUNCTION bump_content_version() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO content_version (authority_id, version)
    VALUES (OLD.authority_id, nextval('content_version_seq'))
    ON CONFLICT (authority_id) DO UPDATE SET version = excluded.version;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.authority_id <> OLD.authority_id) THEN
    INSERT INTO content_version (authority_id, version)
    VALUES (NEW.authority_id, nextval('content_version_seq'))
    ON CONFLICT (authority_id) DO UPDATE SET version = excluded.version;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER concern_content_version AFTER INSERT OR UPDATE OR DELETE ON concern
  FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER concern_text_content_version AFTER INSERT OR UPDATE OR DELETE ON concern_text
  FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER office_content_version AFTER INSERT OR UPDATE OR DELETE ON office
  FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER office_text_content_version AFTER INSERT OR UPDATE OR DELETE ON office_text
  FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER office_opening_hours_content_version
  AFTER INSERT OR UPDATE OR DELETE ON office_opening_hours
  FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER office_concern_content_version AFTER INSERT OR UPDATE OR DELETE ON office_concern
  FOR EACH ROW EXECUTE FUNCTION bump_content_version();
