// The pending passkey ceremonies (migration 0009), added to the platform's Database type.
// The passkeys themselves are `staff_passkey` (tables.ts).

export type PasskeyPurpose = 'register' | 'sign_in';

export type StaffPasskeyChallengeTable = {
  authority_id: string;
  handle_hash: string;
  purpose: PasskeyPurpose;
  challenge: string;
  staff_id: string | null;
  name: string | null;
  expires_at: Date;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    staff_passkey_challenge: StaffPasskeyChallengeTable;
  }
}
