-- The data-protection officer searches the trail by a record's id alone ("everything about
-- booking X"), without knowing its type; the index of 0006 starts with the type.
CREATE INDEX audit_event_subject_id_idx ON audit_event (authority_id, subject_id, seq);
