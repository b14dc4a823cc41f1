import { z } from 'zod';

// Date rules shared by every form and API: one rule per kind of date.

/** An ISO date PostgreSQL accepts and people mean: years 1900 to 2199. */
export const plausibleDate = (message?: string) =>
  z.iso.date(message).refine((value) => value >= '1900-01-01' && value < '2200-01-01', message);

/** A date typed as day, month and year fields; undefined unless it is a real date 1900–2099. */
export function dateFromParts(year: string, month: string, day: string): string | undefined {
  if (!/^(19|20)\d{2}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) {
    return undefined;
  }
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1)
    return undefined;
  return date.toISOString().slice(0, 10);
}
