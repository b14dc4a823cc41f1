// Locale-aware formatting with the Intl APIs; `tag` is a BCP 47 language tag.
//
// Dates are always in the Gregorian calendar: German letters, residence permits and the
// calendar entry we send all use it, and a reader must be able to match our date with
// theirs. Some locales default to another calendar (Farsi to the Solar Hijri one, which
// turned 17 May 1990 into 27 Ordibehesht 1369), so every date format below names the
// calendar. The numbering system stays the locale's own (Persian digits in Farsi).

// Formatters are kept: creating one costs a fraction of a millisecond and about 25 KB of
// memory outside the JavaScript heap, which a page or a booking would otherwise pay each
// time. Keys are few (languages × formats × time zones).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag}|${JSON.stringify(options)}`;
  let kept = formatters.get(key);
  if (!kept) {
    kept = new Intl.DateTimeFormat(tag, options);
    formatters.set(key, kept);
  }
  return kept;
}

/** A date formatter in the reader's language and digits, on the Gregorian calendar. */
function gregorian(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return formatter(tag, { ...options, calendar: 'gregory' });
}

/** Weekday name for an ISO weekday (Monday = 1). 2024-01-01 was a Monday. */
export function weekdayName(tag: string, isoWeekday: number): string {
  const date = new Date(Date.UTC(2024, 0, isoWeekday));
  return gregorian(tag, { weekday: 'long', timeZone: 'UTC' }).format(date);
}

/** A wall-clock time such as '08:30:00' in the reader's locale, on the 24-hour clock used in Germany. */
export function formatTime(tag: string, time: string): string {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const date = new Date(Date.UTC(2024, 0, 1, hours, minutes));
  return formatter(tag, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  }).format(date);
}

const languageNames = new Map<string, Intl.DisplayNames>();

export function languageName(tag: string, code: string): string {
  try {
    let names = languageNames.get(tag);
    if (!names) {
      names = new Intl.DisplayNames([tag], { type: 'language' });
      languageNames.set(tag, names);
    }
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A calendar day 'YYYY-MM-DD' as the reader says it, e.g. "Dienstag, 24. November 2026". */
export function formatDay(tag: string, day: string): string {
  return gregorian(tag, { dateStyle: 'full', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** A calendar day 'YYYY-MM-DD' without its weekday, e.g. a date of birth: "17. Mai 1990". */
export function formatLongDay(tag: string, day: string): string {
  return gregorian(tag, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** The local date of an instant in a time zone. */
export function formatDate(tag: string, instant: Date, timeZone: string): string {
  return gregorian(tag, { dateStyle: 'full', timeZone }).format(instant);
}

/** The local wall-clock time of an instant in a time zone, 24-hour. */
export function formatClock(tag: string, instant: Date, timeZone: string): string {
  return formatter(tag, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(instant);
}

/** The local calendar day of an instant in a time zone, as 'YYYY-MM-DD'. */
export function localDay(instant: Date, timeZone: string): string {
  return gregorian('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
