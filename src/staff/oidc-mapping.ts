import { z } from 'zod';
import { ROLES, type Grant } from '../platform/policy/policy.ts';

// From the identity provider's claims to the grants of a member of staff (decision 13): an
// authority's configuration lists rules "this claim has this value → this role, at this
// office". Every rule that matches adds its grant; none matching means no access at all.
// Pure: the same claims and rules always give the same grants.

const recordId = z.string().regex(/^[a-z0-9-]{1,64}$/);

export const claimRuleSchema = z
  .object({
    /** A claim name; a dotted path reaches into objects ("realm_access.roles"). */
    claim: z.string().min(1).max(200),
    /** Matches the claim's value, or one element of a list-valued claim (groups). */
    value: z.string().min(1).max(200),
    role: z.enum(ROLES),
    /** One office; absent or null: every office of the authority, as a grant without one. */
    office: recordId.nullable().optional(),
    /** The partner organisation; required for the partner role, refused for the others. */
    organisation: recordId.optional(),
  })
  .strict()
  .refine((rule) => (rule.role === 'partner') === (rule.organisation !== undefined), {
    message: 'a partner rule needs an organisation, other roles take none',
    path: ['organisation'],
  });

export const claimMappingSchema = z.array(claimRuleSchema).max(500);

export type ClaimRule = z.infer<typeof claimRuleSchema>;

/** The rules of a stored configuration, or what is wrong with them (for the operator's log). */
export function parseClaimMapping(
  value: unknown,
): { ok: true; rules: ClaimRule[] } | { ok: false; problem: string } {
  const parsed = claimMappingSchema.safeParse(value);
  if (parsed.success) return { ok: true, rules: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}

export type Claims = Record<string, unknown>;

/**
 * The value of a claim: the name as it stands first (namespaced claims such as
 * "https://city.example/groups" contain dots), else a dotted path into nested objects.
 */
export function claimValue(claims: Claims, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let current: unknown = claims;
  for (const step of name.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return;
    if (!Object.hasOwn(current, step)) return;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

const scalarMatches = (actual: unknown, expected: string) =>
  (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') &&
  String(actual) === expected;

function ruleMatches(rule: ClaimRule, claims: Claims): boolean {
  const actual = claimValue(claims, rule.claim);
  return Array.isArray(actual)
    ? actual.some((element) => scalarMatches(element, rule.value))
    : scalarMatches(actual, rule.value);
}

/** The grants the claims earn under the rules: each distinct grant once, in rule order. */
export function grantsFromClaims(rules: readonly ClaimRule[], claims: Claims): Grant[] {
  const grants = new Map<string, Grant>();
  for (const rule of rules) {
    if (!ruleMatches(rule, claims)) continue;
    const grant: Grant = {
      role: rule.role,
      officeId: rule.office ?? null,
      organisationId: rule.organisation ?? null,
    };
    grants.set(`${grant.role}\u0000${grant.officeId}\u0000${grant.organisationId}`, grant);
  }
  return [...grants.values()];
}
