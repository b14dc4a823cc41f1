import type { ColumnType, Generated } from 'kysely';

// The single sign-on table (migration 0008), added to the platform's Database type.

export type AuthorityOidcTable = {
  authority_id: string;
  issuer: string;
  client_id: string;
  /** The name of the environment variable with the client secret, never the secret. */
  client_secret_env: string | null;
  redirect_uri: string;
  scopes: Generated<string>;
  /** Read as parsed JSON; written as JSON text. */
  claim_mapping: ColumnType<unknown, string | undefined, string>;
  provision_unknown: Generated<boolean>;
  updated_at: Generated<Date>;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    authority_oidc: AuthorityOidcTable;
  }
}
