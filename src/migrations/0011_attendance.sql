-- Attendance on the day of an appointment (issue 7, the day view): reception marks who came
-- and who did not. One of the two at most; clearing a mistaken mark sets both back to NULL.
ALTER TABLE booking
  ADD COLUMN arrived_at timestamptz,
  ADD COLUMN no_show_at timestamptz,
  ADD CONSTRAINT booking_attendance_one_mark CHECK (arrived_at IS NULL OR no_show_at IS NULL);

-- Capacity changes (issue 7, administration) keep booked places: a slot whose rule now gives
-- fewer places (or none: a removed rule, a closure) keeps capacity = booked. What the rules
-- give is kept beside it, so that a place freed later (a cancellation, a move) is not offered
-- again beyond the rules. NULL (slots from before this column): the rules give `capacity`.
ALTER TABLE slot ADD COLUMN rule_capacity integer CHECK (rule_capacity >= 0);

-- The day list (one office, one local day) and the capacity changes (the future slots of an
-- office) read slots by office and time; the existing unique index leads with the concern.
CREATE INDEX slot_office_starts_idx ON slot (authority_id, office_id, starts_at);
