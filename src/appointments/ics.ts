import ical from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';

// An RFC 5545 calendar file for one appointment, in the office's time zone (with its
// VTIMEZONE block), so that calendars show the local time across daylight-saving changes.

export type CalendarEntry = {
  uid: string;
  created: Date;
  start: Date;
  end: Date;
  timeZone: string;
  summary: string;
  description: string;
  location: string;
  url: string;
};

// The VTIMEZONE block of a zone is the same for every file: built once per zone.
const vtimezones = new Map<string, string | null>();

function vtimezone(name: string): string | null {
  if (!vtimezones.has(name)) {
    const block = tzlib_get_ical_block(name);
    vtimezones.set(name, Array.isArray(block) ? (block[0] ?? null) : null);
  }
  return vtimezones.get(name) ?? null;
}

export function appointmentCalendar(entry: CalendarEntry): string {
  const calendar = ical({
    prodId: { company: 'welcome-center', product: 'appointments', language: 'DE' },
    timezone: { name: entry.timeZone, generator: vtimezone },
  });
  calendar.createEvent({
    id: entry.uid,
    // Luxon values carry the zone, so the file holds local wall-clock times with TZID.
    start: DateTime.fromJSDate(entry.start, { zone: entry.timeZone }),
    end: DateTime.fromJSDate(entry.end, { zone: entry.timeZone }),
    timezone: entry.timeZone,
    summary: entry.summary,
    description: entry.description,
    location: entry.location,
    url: entry.url,
  });
  // ical-generator writes DTSTAMP in the calendar's zone; RFC 5545 wants it in UTC.
  const stamp = DateTime.fromJSDate(entry.created, { zone: 'UTC' }).toFormat(
    "yyyyMMdd'T'HHmmss'Z'",
  );
  return calendar.toString().replace(/^DTSTAMP:.*$/m, `DTSTAMP:${stamp}`);
}
