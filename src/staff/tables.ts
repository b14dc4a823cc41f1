import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../platform/policy/policy.ts';

// The staff tables (migration 0006), added to the platform's Database type.

export type OrganisationTable = { authority_id: string; id: string; name: string };

export type StaffMemberTable = {
  id: Generated<string>;
  authority_id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  password_temporary: Generated<boolean>;
  totp_secret: string | null;
  totp_confirmed_at: Date | null;
  totp_last_step: ColumnType<string | null, string | number | null, string | number | null>;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  active: Generated<boolean>;
  demo: Generated<boolean>;
  created_at: Generated<Date>;
};

export type StaffRoleTable = {
  authority_id: string;
  staff_id: string;
  role: Role;
  office_id: string | null;
  organisation_id: string | null;
};

export type LanguageLevel = 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2' | 'native';
export const LANGUAGE_LEVELS: LanguageLevel[] = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native'];

/** Filled in from the member by a trigger (the table keys on authority_id first). */
type MemberAuthority = ColumnType<string, string | undefined, never>;

export type StaffLanguageTable = {
  authority_id: MemberAuthority;
  staff_id: string;
  lang: string;
  level: LanguageLevel;
};

export type StaffRecoveryCodeTable = {
  authority_id: MemberAuthority;
  staff_id: string;
  code_hash: string;
  used_at: Date | null;
};

export type StaffPasskeyTable = {
  authority_id: MemberAuthority;
  credential_id: string;
  staff_id: string;
  public_key: Buffer;
  counter: ColumnType<string, string | number, string | number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  name: Generated<string>;
  created_at: Generated<Date>;
  last_used_at: Date | null;
};

export type SessionStage = 'second_factor' | 'enrol' | 'active';
export type SignInMethod = 'password' | 'totp' | 'recovery_code' | 'passkey' | 'oidc';

export type StaffSessionTable = {
  token_hash: string;
  authority_id: string;
  staff_id: string;
  stage: SessionStage;
  method: SignInMethod;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_agent: Generated<string>;
};

export type SignInFailureTable = {
  authority_id: string;
  id: ColumnType<string, never, never>;
  kind: 'account' | 'address' | 'pair';
  key: string;
  at: Date;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    organisation: OrganisationTable;
    staff_member: StaffMemberTable;
    staff_role: StaffRoleTable;
    staff_language: StaffLanguageTable;
    staff_recovery_code: StaffRecoveryCodeTable;
    staff_passkey: StaffPasskeyTable;
    staff_session: StaffSessionTable;
    sign_in_failure: SignInFailureTable;
  }
}
