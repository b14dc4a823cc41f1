// The staff feature's public surface for other features and the composition root.
export {
  createStaffMember,
  countDemoAccounts,
  purgeSignInState,
  startVerifiedSession,
  type StaffDeps,
} from './service.ts';
export { deriveStaffKeys, type StaffKeys } from './secrets.ts';
export type { LanguageLevel } from './tables.ts';
export { LANGUAGE_LEVELS } from './tables.ts';

/** A demo account as written to DATA_DIR/demo-staff.json. */
export type DemoStaffAccount = {
  username: string;
  role: string;
  office: string | null;
  password: string;
  totpSecret: string;
};
