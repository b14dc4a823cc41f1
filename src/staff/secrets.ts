import crypto from 'node:crypto';

// Secrets at rest: TOTP secrets are encrypted (AES-256-GCM) with a key derived from the
// application secret, so that a copy of the database alone does not yield second factors.
// Tokens and recovery codes are stored as SHA-256 only.

export type StaffKeys = { encryption: Buffer; pseudonym: string };

export function deriveStaffKeys(applicationSecret: string): StaffKeys {
  const derive = (info: string) =>
    Buffer.from(crypto.hkdfSync('sha256', applicationSecret, 'welcome-center', info, 32));
  return {
    encryption: derive('staff-totp-secret'),
    pseudonym: derive('client-address-pseudonym').toString('hex'),
  };
}

export function encryptSecret(key: Buffer, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('unknown secret format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

export const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export const randomToken = () => crypto.randomBytes(32).toString('base64url');

/** A readable one-time secret: groups of letters and digits without look-alikes. */
export function readableSecret(groups: number): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const parts: string[] = [];
  for (let g = 0; g < groups; g += 1) {
    let part = '';
    for (let i = 0; i < 5; i += 1) part += alphabet[crypto.randomInt(alphabet.length)];
    parts.push(part);
  }
  return parts.join('-');
}
