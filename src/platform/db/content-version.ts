import { sql } from 'kysely';
import type { Db } from './database.ts';

// Public pages show an authority's content (concerns, offices, their texts and hours), which
// changes a few times a day and is read thousands of times a second. Loading and resolving it
// costs a dozen queries per page; reading its version costs one primary-key lookup. A trigger
// (migration 0003) gives the authority a new version in the same transaction as every write to
// that content, so every app instance on the database sees a change on its next request.

/**
 * The authority's current content version; '0' before its first content write. Values come
 * from one database sequence, so a version never repeats, not even after an authority is
 * deleted and created again.
 */
export async function contentVersion(db: Db, authorityId: string): Promise<bigint> {
  const { rows } = await sql<{ version: string }>`
    SELECT version FROM content_version WHERE authority_id = ${authorityId}`.execute(db);
  return BigInt(rows[0]?.version ?? '0');
}

type Entry<T> = { version: bigint; value: Promise<T> };

/** More keys than any authority has languages: a caller passing odd keys cannot grow it. */
const MAX_ENTRIES_PER_DB = 2_000;

/**
 * Keeps what `load` derives from an authority's content in this process, one value per
 * (database, authority, key), reused while the content version stays the same. The value is
 * deep-frozen because every later request shares it.
 *
 * A value is never older than the version read for the request: it is loaded after that
 * version was read, and an entry is only replaced by one of a newer version. Concurrent misses
 * share one load.
 */
export function contentMemo<T>(load: (db: Db, authorityId: string, key: string) => Promise<T>) {
  const byDb = new WeakMap<Db, Map<string, Entry<T>>>();

  /** The value for `key` at `version`, a version just read with contentVersion. */
  function at(db: Db, authorityId: string, key: string, version: bigint): Promise<T> {
    let entries = byDb.get(db);
    if (!entries) {
      entries = new Map();
      byDb.set(db, entries);
    }
    const id = `${authorityId}\u0000${key}`;
    const hit = entries.get(id);
    // A newer entry than the version read is at least as fresh as the request needs.
    if (hit && hit.version >= version) return hit.value;
    const value = load(db, authorityId, key).then(deepFreeze);
    if (entries.size >= MAX_ENTRIES_PER_DB) entries.clear();
    const entry = { version, value };
    entries.set(id, entry);
    // A failed load is not remembered: the next request tries again.
    value.catch(() => {
      if (entries.get(id) === entry) entries.delete(id);
    });
    return value;
  }

  return {
    at,
    /** Reads the content version, then returns the value for it. */
    async get(db: Db, authorityId: string, key: string): Promise<T> {
      return at(db, authorityId, key, await contentVersion(db, authorityId));
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // Maps and Sets cannot be frozen in place; none are stored.
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
