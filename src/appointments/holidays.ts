// Statutory public holidays (days off) of the Länder our demo authorities are in. Sources:
// § 2 (1) NFeiertagsG (Lower Saxony) and § 1 FeiertagsG (Hamburg), both with Reformation
// Day since 2018; see the shared notes/concerns-facts.md.

export type Holiday = { day: string; name: string };

/** Easter Sunday (Gregorian calendar), by the anonymous Gregorian algorithm. */
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

const iso = (date: Date) => date.toISOString().slice(0, 10);
const plusDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);

const SAME_TEN_DAYS = new Set(['NI', 'HH']);

export function publicHolidays(land: string, year: number): Holiday[] {
  if (!SAME_TEN_DAYS.has(land)) return [];
  const easter = easterSunday(year);
  const fixed = (month: number, day: number) => iso(new Date(Date.UTC(year, month - 1, day)));
  return [
    { day: fixed(1, 1), name: 'Neujahr' },
    { day: iso(plusDays(easter, -2)), name: 'Karfreitag' },
    { day: iso(plusDays(easter, 1)), name: 'Ostermontag' },
    { day: fixed(5, 1), name: 'Tag der Arbeit' },
    { day: iso(plusDays(easter, 39)), name: 'Christi Himmelfahrt' },
    { day: iso(plusDays(easter, 50)), name: 'Pfingstmontag' },
    { day: fixed(10, 3), name: 'Tag der Deutschen Einheit' },
    { day: fixed(10, 31), name: land === 'HH' ? 'Tag der Reformation' : 'Reformationstag' },
    { day: fixed(12, 25), name: '1. Weihnachtstag' },
    { day: fixed(12, 26), name: '2. Weihnachtstag' },
  ];
}
