// Statutory public holidays (days off) of the sixteen Länder, from the maintained
// date-holidays library (its data follows the Länder's Feiertagsgesetze and works offline:
// no network access at install or run time). Only days off for the whole Land are listed:
// the public_holiday table is keyed by Land. Days off in part of a Land only, such as
// Mariä Himmelfahrt in Bavaria's Catholic-majority communities or the Augsburger
// Friedensfest in Augsburg, are left out; an office there enters them as closures.
import Holidays from 'date-holidays';

export type Holiday = { day: string; name: string };

/** The Länder by their ISO 3166-2:DE codes without the 'DE-' prefix, e.g. 'NI', 'HH'. */
export const LAENDER = [
  'BB',
  'BE',
  'BW',
  'BY',
  'HB',
  'HE',
  'HH',
  'MV',
  'NI',
  'NW',
  'RP',
  'SH',
  'SL',
  'SN',
  'ST',
  'TH',
] as const;

/** Official names where a Land's law differs from the library's name (notes/concerns-facts.md). */
const OFFICIAL_NAMES: Record<string, Record<string, string>> = {
  // § 1 Nr. 8 FeiertagsG Hamburg, inserted by the law of 12.03.2018.
  HH: { '10-31': 'Tag der Reformation' },
};

const calendars = new Map<string, Holidays>();

function calendarOf(land: string): Holidays {
  let calendar = calendars.get(land);
  if (!calendar) {
    if (!(LAENDER as readonly string[]).includes(land)) {
      // A mistyped Land would otherwise silently get slots on its holidays.
      throw new RangeError(`unknown Land "${land}": expected one of ${LAENDER.join(', ')}`);
    }
    calendar = new Holidays('DE', land, { languages: ['de'], types: ['public'] });
    calendars.set(land, calendar);
  }
  return calendar;
}

/** The statutory days off of a Land in a year, in date order, with their German names. */
export function publicHolidays(land: string, year: number): Holiday[] {
  return calendarOf(land)
    .getHolidays(year, 'de')
    .filter((holiday) => holiday.type === 'public')
    .map((holiday) => {
      // The library gives local dates as 'YYYY-MM-DD HH:mm:ss'.
      const day = holiday.date.slice(0, 10);
      return { day, name: OFFICIAL_NAMES[land]?.[day.slice(5)] ?? holiday.name };
    });
}

/**
 * Easter Sunday (Gregorian calendar), by the anonymous Gregorian algorithm. No longer used
 * for the holidays; kept because appointments.test.ts imports it: remove it with that test.
 */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}
