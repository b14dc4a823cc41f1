-- Single sign-on through the city's identity provider over OpenID Connect (decision 13), one
-- configuration per authority. The client secret itself never enters the database: the row
-- names the environment variable that holds it, so a dump or a replica reveals no secret.
CREATE TABLE authority_oidc (
  authority_id text PRIMARY KEY REFERENCES authority (id) ON DELETE CASCADE,
  -- The issuer identifier; discovery reads <issuer>/.well-known/openid-configuration.
  -- Plain http is accepted only for a loopback issuer outside production (checked in code).
  issuer text NOT NULL CHECK (issuer ~ '^https?://[^\s/?#]+(/[^\s?#]*)?$' AND length(issuer) <= 500),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
  -- The NAME of the environment variable holding the client secret; NULL: a public client
  -- (PKCE only, no secret).
  client_secret_env text CHECK (client_secret_env ~ '^[A-Z][A-Z0-9_]{0,99}$'),
  -- Registered at the identity provider; on this authority's host.
  redirect_uri text NOT NULL CHECK (redirect_uri ~ '^https?://[^\s]+/staff/sign-in/sso/callback$'),
  scopes text NOT NULL DEFAULT 'openid profile'
    CHECK (scopes ~ '(^| )openid( |$)' AND scopes ~ '^[\x21-\x7e]+( [\x21-\x7e]+)*$'),
  -- Rules from claims to grants, e.g.
  -- [{"claim": "groups", "value": "wc-caseworker", "role": "caseworker", "office": "central"}];
  -- checked in code (staff/oidc-mapping.ts) each time it is read.
  claim_mapping jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(claim_mapping) = 'array'),
  -- Whether a person the provider vouches for but who has no account yet gets one at the first
  -- sign-in (when a rule gives them a role), or is refused until an administrator links them.
  provision_unknown boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
