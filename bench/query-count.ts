import pg from 'pg';

// Counts the round trips to the database made by this process: every `query` of every pg
// client (Kysely and pg.Pool both end there), tallied by the statement's first words, so a
// benchmark can say how many statements one booking attempt costs and which.

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

const tally = new Map<string, number>();
let installed = false;

/** The statement's first words, whitespace collapsed, enough to tell statements apart. */
function statementKey(first: unknown): string {
  const text =
    typeof first === 'string'
      ? first
      : typeof first === 'object' && first !== null && 'text' in first
        ? String((first as { text: unknown }).text)
        : '?';
  return text.replace(/\s+/g, ' ').trim().slice(0, 70);
}

export function countQueries() {
  if (!installed) {
    installed = true;
    const proto = pg.Client.prototype as unknown as { query: Query };
    const original = proto.query;
    proto.query = function (this: pg.Client, ...args: unknown[]) {
      const key = statementKey(args[0]);
      tally.set(key, (tally.get(key) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
}

export function resetQueryCount() {
  tally.clear();
}

export type QueryCount = { per_attempt: number; statements: Record<string, number> };

/** Statements per attempt since the last reset, the most frequent first. */
export function queryCount(attempts: number): QueryCount {
  const entries = [...tally.entries()].sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const perAttempt = (n: number) => Number((n / Math.max(1, attempts)).toFixed(2));
  return {
    per_attempt: perAttempt(total),
    statements: Object.fromEntries(entries.slice(0, 8).map(([key, n]) => [key, perAttempt(n)])),
  };
}
