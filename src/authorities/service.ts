import type { Db } from '../platform/db/database.ts';
import { findAuthorityByHost, findAuthorityById, type Authority } from './repository.ts';

export type { Authority } from './repository.ts';
export { countAuthorities, listAuthorities, upsertAuthority } from './repository.ts';

const CACHE_MS = 30_000;

/**
 * Chooses the authority a request belongs to by its host name, falling back to the
 * configured default. Cached briefly: host mappings change rarely, requests often.
 */
export function createAuthorityResolver(db: Db, defaultAuthorityId: string) {
  const cache = new Map<string, { authority: Authority | undefined; until: number }>();
  return async function resolveAuthority(hostname: string): Promise<Authority | undefined> {
    const host = hostname.toLowerCase().replace(/:\d+$/, '');
    const hit = cache.get(host);
    if (hit && hit.until > Date.now()) return hit.authority;
    const authority =
      (await findAuthorityByHost(db, host)) ?? (await findAuthorityById(db, defaultAuthorityId));
    if (cache.size > 1000) cache.clear();
    cache.set(host, { authority, until: Date.now() + CACHE_MS });
    return authority;
  };
}
