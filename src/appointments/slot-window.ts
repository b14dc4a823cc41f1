// How far ahead slots exist: the hourly job keeps this window filled, and a capacity change
// plans the same window (and any slot already beyond it), so both agree on which days exist.

/** Days ahead of now that slots are created for (release policies reach up to six weeks). */
export const SLOT_WINDOW_DAYS = 63;

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The days (UTC dates, inclusive) the slot window covers at `now`. */
export function slotWindow(now: Date, days = SLOT_WINDOW_DAYS): { from: string; to: string } {
  return { from: isoDate(now), to: isoDate(new Date(now.getTime() + days * 86_400_000)) };
}
