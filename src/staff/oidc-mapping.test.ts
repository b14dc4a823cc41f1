import { describe, expect, it } from 'vitest';
import { claimValue, grantsFromClaims, parseClaimMapping, type ClaimRule } from './oidc-mapping.ts';

// The claim mapping as a table of cases: which claims earn which grants under an authority's
// rules, and which stored configurations are refused before anyone signs in with them.

const RULES: ClaimRule[] = [
  { claim: 'groups', value: 'wc-caseworker', role: 'caseworker', office: 'central' },
  { claim: 'groups', value: 'wc-caseworker-north', role: 'caseworker', office: 'north' },
  { claim: 'groups', value: 'wc-reception', role: 'reception', office: 'central' },
  { claim: 'groups', value: 'wc-admin', role: 'administrator' },
  { claim: 'department', value: 'Datenschutz', role: 'data_protection_officer', office: null },
  { claim: 'realm_access.roles', value: 'team-lead', role: 'team_lead', office: 'south' },
  { claim: 'https://city.example/org', value: 'mbe', role: 'partner', organisation: 'mbe' },
  { claim: 'staff_number_verified', value: 'true', role: 'reception', office: 'north' },
];

const grant = (
  role: string,
  officeId: string | null = null,
  organisationId: string | null = null,
) => ({
  role,
  officeId,
  organisationId,
});

describe('grants from claims', () => {
  it.each([
    ['no claims at all', {}, []],
    ['groups matching no rule', { groups: ['staff', 'parks'] }, []],
    ['one group', { groups: ['wc-caseworker'] }, [grant('caseworker', 'central')]],
    [
      'two groups, two grants in rule order',
      { groups: ['wc-reception', 'wc-caseworker-north'] },
      [grant('caseworker', 'north'), grant('reception', 'central')],
    ],
    ['a group as a single string', { groups: 'wc-caseworker' }, [grant('caseworker', 'central')]],
    ['a rule without an office: every office', { groups: ['wc-admin'] }, [grant('administrator')]],
    ['a scalar claim', { department: 'Datenschutz' }, [grant('data_protection_officer')]],
    ['a scalar claim, other case', { department: 'datenschutz' }, []],
    [
      'a nested claim by dotted path',
      { realm_access: { roles: ['team-lead'] } },
      [grant('team_lead', 'south')],
    ],
    ['a dotted path into a list', { realm_access: ['team-lead'] }, []],
    [
      'a namespaced claim with dots in its name',
      { 'https://city.example/org': 'mbe' },
      [grant('partner', null, 'mbe')],
    ],
    ['a boolean claim', { staff_number_verified: true }, [grant('reception', 'north')]],
    ['an object where a value is expected', { groups: [{ name: 'wc-caseworker' }] }, []],
    ['a substring is no match', { groups: ['wc-caseworker-x'] }, []],
  ])('%s', (_case, claims, expected) => {
    expect(grantsFromClaims(RULES, claims)).toEqual(expected);
  });

  it('gives each grant once, however many rules earn it', () => {
    const rules: ClaimRule[] = [
      { claim: 'groups', value: 'a', role: 'caseworker', office: 'central' },
      { claim: 'groups', value: 'b', role: 'caseworker', office: 'central' },
    ];
    expect(grantsFromClaims(rules, { groups: ['a', 'b'] })).toEqual([
      grant('caseworker', 'central'),
    ]);
  });

  it('does not reach into inherited properties', () => {
    expect(claimValue({}, 'constructor')).toBeUndefined();
    expect(claimValue({ a: {} }, 'a.toString')).toBeUndefined();
  });
});

describe('a stored claim mapping', () => {
  it('accepts the documented rule shapes', () => {
    expect(parseClaimMapping(RULES)).toEqual({ ok: true, rules: RULES });
    expect(parseClaimMapping([])).toEqual({ ok: true, rules: [] });
  });

  it.each([
    ['not a list', { claim: 'groups' }],
    ['an unknown role', [{ claim: 'groups', value: 'x', role: 'superuser' }]],
    ['a missing value', [{ claim: 'groups', role: 'reception' }]],
    ['a partner without organisation', [{ claim: 'groups', value: 'x', role: 'partner' }]],
    [
      'an organisation for another role',
      [{ claim: 'groups', value: 'x', role: 'reception', organisation: 'mbe' }],
    ],
    ['a malformed office', [{ claim: 'groups', value: 'x', role: 'reception', office: 'Nord' }]],
    ['an unknown field', [{ claim: 'groups', value: 'x', role: 'reception', offices: ['a'] }]],
  ])('refuses %s', (_case, value) => {
    expect(parseClaimMapping(value).ok).toBe(false);
  });
});
