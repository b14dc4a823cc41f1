-- Pending passkey (WebAuthn) ceremonies. Each challenge is issued with the options the browser
-- receives and is used once: verifying a response deletes its row first, so a captured answer
-- cannot be replayed even for a synced passkey whose signature counter stays at 0. The
-- browser holds a random handle in a short-lived cookie; the table keeps its SHA-256, so the
-- ceremony can only be finished in the browser that started it.
CREATE TABLE staff_passkey_challenge (
  authority_id text NOT NULL REFERENCES authority (id) ON DELETE CASCADE,
  handle_hash text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('register', 'sign_in')),
  -- base64url, as in the options sent to the browser.
  challenge text NOT NULL CHECK (length(challenge) BETWEEN 16 AND 200),
  -- Registration only: the signed-in member adding a passkey and the name they gave it.
  staff_id uuid,
  name text CHECK (length(name) BETWEEN 1 AND 60),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (authority_id, handle_hash),
  CHECK ((purpose = 'register') = (staff_id IS NOT NULL AND name IS NOT NULL)),
  FOREIGN KEY (authority_id, staff_id) REFERENCES staff_member (authority_id, id) ON DELETE CASCADE
);
CREATE INDEX staff_passkey_challenge_expires_idx ON staff_passkey_challenge (expires_at);
