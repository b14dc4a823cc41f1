// Locale-aware formatting with the Intl APIs; `tag` is a BCP 47 language tag.

/** Weekday name for an ISO weekday (Monday = 1). 2024-01-01 was a Monday. */
export function weekdayName(tag: string, isoWeekday: number): string {
  const date = new Date(Date.UTC(2024, 0, isoWeekday));
  return new Intl.DateTimeFormat(tag, { weekday: 'long', timeZone: 'UTC' }).format(date);
}

/** A wall-clock time such as '08:30:00' in the reader's locale, on the 24-hour clock used in Germany. */
export function formatTime(tag: string, time: string): string {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const date = new Date(Date.UTC(2024, 0, 1, hours, minutes));
  return new Intl.DateTimeFormat(tag, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  }).format(date);
}

export function languageName(tag: string, code: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
