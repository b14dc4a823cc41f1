-- Sign-in throttling that parallel requests cannot outrun, and that a stranger cannot turn
-- against an account's owner: every attempt is reserved (and counted) before its password or
-- code is checked, under a lock per account and per client, and the stricter limit applies
-- to the pair (account, client) rather than to the account alone. A successful attempt
-- removes its reservation again.

ALTER TABLE sign_in_failure ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE sign_in_failure ADD PRIMARY KEY (authority_id, id);
ALTER TABLE sign_in_failure DROP CONSTRAINT sign_in_failure_kind_check;
ALTER TABLE sign_in_failure
  ADD CONSTRAINT sign_in_failure_kind_check CHECK (kind IN ('account', 'address', 'pair'));

-- Counts the failures in the window before this attempt, per kind, and reserves this attempt
-- as a failure of each kind, in one step under the locks.
CREATE FUNCTION reserve_sign_in_attempt(
  p_authority text,
  p_account text,
  p_address text,
  p_pair text,
  p_now timestamptz,
  p_since timestamptz
)
RETURNS TABLE (
  ids bigint[],
  account_count int,
  account_first timestamptz,
  address_count int,
  address_first timestamptz,
  pair_count int,
  pair_last timestamptz
)
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  -- Always account before client: one order, so two attempts never wait on each other.
  PERFORM pg_advisory_xact_lock(hashtextextended('sign-in|' || p_authority || '|' || p_account, 7307));
  PERFORM pg_advisory_xact_lock(hashtextextended('sign-in|' || p_authority || '|' || p_address, 7307));
  RETURN QUERY
  WITH earlier AS (
    SELECT f.kind, count(*)::int AS n, min(f.at) AS first, max(f.at) AS last
    FROM public.sign_in_failure f
    WHERE f.authority_id = p_authority AND f.at > p_since
      AND ((f.kind = 'account' AND f.key = p_account)
        OR (f.kind = 'address' AND f.key = p_address)
        OR (f.kind = 'pair' AND f.key = p_pair))
    GROUP BY f.kind
  ), mine AS (
    INSERT INTO public.sign_in_failure (authority_id, kind, key, at)
    VALUES (p_authority, 'account', p_account, p_now),
           (p_authority, 'address', p_address, p_now),
           (p_authority, 'pair', p_pair, p_now)
    RETURNING id
  )
  SELECT
    (SELECT array_agg(m.id) FROM mine m),
    coalesce((SELECT e.n FROM earlier e WHERE e.kind = 'account'), 0),
    (SELECT e.first FROM earlier e WHERE e.kind = 'account'),
    coalesce((SELECT e.n FROM earlier e WHERE e.kind = 'address'), 0),
    (SELECT e.first FROM earlier e WHERE e.kind = 'address'),
    coalesce((SELECT e.n FROM earlier e WHERE e.kind = 'pair'), 0),
    (SELECT e.last FROM earlier e WHERE e.kind = 'pair');
END
$$;
