import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../i18n/languages.ts';
import { formatDate, formatDay, formatLongDay, localDay, weekdayName } from './format.ts';

// Every language shows the Gregorian date of German documents, in the reader's own digits
// and month names. Expected strings are written out per language so that a change of
// calendar, digits or names shows up here, not in a newcomer's appointment letter.

const DATE_OF_BIRTH = '1990-05-17'; // a Thursday; 27 Ordibehesht 1369 in the Solar Hijri calendar

const expected: Record<string, { full: string; long: string; monday: string }> = {
  de: { full: 'Donnerstag, 17. Mai 1990', long: '17. Mai 1990', monday: 'Montag' },
  'de-x-simple': { full: 'Donnerstag, 17. Mai 1990', long: '17. Mai 1990', monday: 'Montag' },
  en: { full: 'Thursday, May 17, 1990', long: 'May 17, 1990', monday: 'Monday' },
  ar: { full: 'الخميس، 17 مايو 1990', long: '17 مايو 1990', monday: 'الاثنين' },
  uk: { full: 'четвер, 17 травня 1990 р.', long: '17 травня 1990 р.', monday: 'понеділок' },
  ru: { full: 'четверг, 17 мая 1990 г.', long: '17 мая 1990 г.', monday: 'понедельник' },
  fa: { full: 'پنجشنبه ۱۷ مهٔ ۱۹۹۰', long: '۱۷ مهٔ ۱۹۹۰', monday: 'دوشنبه' },
  tr: { full: '17 Mayıs 1990 Perşembe', long: '17 Mayıs 1990', monday: 'Pazartesi' },
};

/** Any month name of the Solar Hijri or Islamic calendars, or their year numbers for 1990. */
const OTHER_CALENDARS = /اردیبهشت|ordibehesht|۱۳۶۹|1369|۱۴۱۰|1410|شوال/i;

describe('dates in every language', () => {
  it('covers the eight languages of the language table', () => {
    expect(Object.keys(expected).sort()).toEqual(LANGUAGES.map((l) => l.tag).sort());
  });

  for (const { tag } of LANGUAGES) {
    const want = expected[tag];
    if (!want) continue;

    it(`${tag}: a day with its weekday is Gregorian, in the reader's words and digits`, () => {
      expect(formatDay(tag, DATE_OF_BIRTH)).toBe(want.full);
      expect(formatDay(tag, DATE_OF_BIRTH)).not.toMatch(OTHER_CALENDARS);
    });

    it(`${tag}: a date of birth is Gregorian`, () => {
      expect(formatLongDay(tag, DATE_OF_BIRTH)).toBe(want.long);
      expect(formatLongDay(tag, DATE_OF_BIRTH)).not.toMatch(OTHER_CALENDARS);
    });

    it(`${tag}: the date of an instant is the Berlin calendar day`, () => {
      // 23:30 UTC on 16 May is already 17 May in Berlin (summer time).
      expect(formatDate(tag, new Date('1990-05-16T23:30:00Z'), 'Europe/Berlin')).toBe(want.full);
    });

    it(`${tag}: weekday names`, () => {
      expect(weekdayName(tag, 1)).toBe(want.monday);
    });
  }

  it('writes Farsi dates in Persian digits and Arabic ones in the digits of its locale', () => {
    expect(formatLongDay('fa', '2027-11-17')).toMatch(/^[۰-۹]+ [^\d]+ [۰-۹]+$/);
    const arabicDigits = new Intl.NumberFormat('ar', { useGrouping: false }).format(2027);
    expect(formatLongDay('ar', '2027-11-17')).toContain(arabicDigits);
  });

  it('gives the local calendar day as YYYY-MM-DD', () => {
    expect(localDay(new Date('1990-05-16T23:30:00Z'), 'Europe/Berlin')).toBe('1990-05-17');
    expect(localDay(new Date('1990-05-16T21:30:00Z'), 'Europe/Berlin')).toBe('1990-05-16');
  });
});
