import crypto from 'node:crypto';

// Crockford's base32 without I, L, O, U: no look-alikes when read out or typed.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 10 random characters = 50 bits: not sequential, not guessable within any rate limit. */
export function newBookingCode(): string {
  return [...crypto.randomBytes(10)].map((byte) => ALPHABET[byte & 31]).join('');
}

/** Whether a (normalised) text has the form of a booking code. */
export const isBookingCode = (code: string) => /^[0-9A-HJKMNP-TV-Z]{10}$/.test(code);

/** Accepts codes as people type them: lower case, spaces, dashes, O for 0, I/L for 1. */
export function normaliseBookingCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

const TRANSLITERATE: Record<string, string> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  ß: 'ss',
  æ: 'ae',
  ø: 'oe',
  œ: 'oe',
};

function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüßæøœ]/g, (c) => TRANSLITERATE[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/** One key for the spellings of one passport name: "Müller" and "MUELLER" are the same person (as in the passport zone). */
export function personKey(familyName: string, givenNames: string): string {
  return `${normaliseName(familyName)}|${normaliseName(givenNames)}`;
}
