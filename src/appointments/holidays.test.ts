import { describe, expect, it } from 'vitest';
import { LAENDER, publicHolidays } from './holidays.ts';

// Known days off, checked by hand against the Länder's holiday laws (Easter 2027 is on
// 28 March; Buß- und Bettag is the Wednesday before 23 November).

const days = (land: string, year: number) => publicHolidays(land, year).map((h) => h.day);

const NATIONWIDE_2027 = [
  '2027-01-01', // Neujahr
  '2027-03-26', // Karfreitag
  '2027-03-29', // Ostermontag
  '2027-05-01', // Tag der Arbeit
  '2027-05-06', // Christi Himmelfahrt
  '2027-05-17', // Pfingstmontag
  '2027-10-03', // Tag der Deutschen Einheit
  '2027-12-25', // 1. Weihnachtstag
  '2027-12-26', // 2. Weihnachtstag
];

/** Days off in some Länder only, and the Länder where they are. */
const BY_LAND_2027: { day: string; name: RegExp; in: string[] }[] = [
  { day: '2027-01-06', name: /Heilige Drei Könige/, in: ['BW', 'BY', 'ST'] },
  { day: '2027-03-08', name: /Frauentag/, in: ['BE', 'MV'] },
  { day: '2027-05-27', name: /Fronleichnam/, in: ['BW', 'BY', 'HE', 'NW', 'RP', 'SL'] },
  { day: '2027-08-15', name: /Mariä Himmelfahrt/, in: ['SL'] },
  { day: '2027-09-20', name: /Weltkindertag/, in: ['TH'] },
  {
    day: '2027-10-31',
    name: /Reformation/,
    in: ['BB', 'HB', 'HH', 'MV', 'NI', 'SH', 'SN', 'ST', 'TH'],
  },
  { day: '2027-11-01', name: /Allerheiligen/, in: ['BW', 'BY', 'NW', 'RP', 'SL'] },
  { day: '2027-11-17', name: /Buß- und Bettag/, in: ['SN'] },
];

describe('public holidays of the sixteen Länder', () => {
  it('knows all sixteen Länder', () => {
    expect(LAENDER).toHaveLength(16);
  });

  for (const land of LAENDER) {
    it(`${land}: the nationwide days off of 2027, in date order, with German names`, () => {
      const list = publicHolidays(land, 2027);
      expect(days(land, 2027)).toEqual(expect.arrayContaining(NATIONWIDE_2027));
      expect(days(land, 2027)).toEqual([...days(land, 2027)].sort());
      for (const holiday of list) {
        expect(holiday.day).toMatch(/^2027-\d\d-\d\d$/);
        expect(holiday.name).not.toBe('');
      }
      expect(list.find((h) => h.day === '2027-12-25')?.name).toBe('1. Weihnachtstag');
    });
  }

  for (const { day, name, in: where } of BY_LAND_2027) {
    it(`${day} is a day off in ${where.join(', ')} and nowhere else`, () => {
      for (const land of LAENDER) {
        const holiday = publicHolidays(land, 2027).find((h) => h.day === day);
        if (where.includes(land)) expect(holiday?.name, land).toMatch(name);
        else expect(holiday, land).toBeUndefined();
      }
    });
  }

  it('lists exactly the ten days off of Lower Saxony and Hamburg, with Hamburg’s own name', () => {
    const ten = [...NATIONWIDE_2027.slice(0, 7), '2027-10-31', ...NATIONWIDE_2027.slice(7)];
    expect(days('NI', 2027)).toEqual(ten);
    expect(days('HH', 2027)).toEqual(ten);
    expect(publicHolidays('NI', 2027).find((h) => h.day === '2027-10-31')?.name).toBe(
      'Reformationstag',
    );
    expect(publicHolidays('HH', 2027).find((h) => h.day === '2027-10-31')?.name).toBe(
      'Tag der Reformation',
    );
  });

  it('leaves out days off of part of Bavaria only (Mariä Himmelfahrt, Augsburger Friedensfest)', () => {
    expect(days('BY', 2027)).not.toContain('2027-08-15');
    expect(days('BY', 2027)).not.toContain('2027-08-08');
    expect(days('BY', 2027)).not.toContain('2027-10-31');
  });

  it('follows changes of the law over the years', () => {
    // Reformationstag in Lower Saxony from 2018; in 2017 a one-off day off everywhere.
    expect(days('NI', 2016)).not.toContain('2016-10-31');
    expect(days('BY', 2017)).toContain('2017-10-31');
    expect(days('NI', 2018)).toContain('2018-10-31');
    // Frauentag in Mecklenburg-Western Pomerania from 2023, in Berlin from 2019.
    expect(days('MV', 2022)).not.toContain('2022-03-08');
    expect(days('MV', 2023)).toContain('2023-03-08');
    expect(days('BE', 2018)).not.toContain('2018-03-08');
    expect(days('BE', 2019)).toContain('2019-03-08');
    // Weltkindertag in Thuringia from 2019; Berlin's one-off 8 May 2025.
    expect(days('TH', 2018)).not.toContain('2018-09-20');
    expect(days('TH', 2019)).toContain('2019-09-20');
    expect(days('BE', 2025)).toContain('2025-05-08');
  });

  it('refuses an unknown Land instead of opening slots on its holidays', () => {
    expect(() => publicHolidays('XX', 2027)).toThrow(/unknown Land "XX"/);
    expect(() => publicHolidays('ni', 2027)).toThrow(RangeError);
  });
});
