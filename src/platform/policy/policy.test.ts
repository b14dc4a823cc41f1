import { describe, expect, it } from 'vitest';
import { ACTIONS, can, officeAccess, POLICY, rolesFor, ROLES, type Grant } from './policy.ts';

const grant = (role: Grant['role'], officeId: string | null = null): Grant => ({
  role,
  officeId,
  organisationId: role === 'partner' ? 'org' : null,
});

describe('the policy table', () => {
  it('names only known roles and scopes', () => {
    for (const action of ACTIONS) {
      for (const [role, scope] of Object.entries(POLICY[action])) {
        expect(ROLES).toContain(role);
        expect(['authority', 'office', 'organisation', 'self']).toContain(scope);
      }
    }
  });

  it('lets no role but the data-protection officer read the audit trail', () => {
    expect(rolesFor('audit.read')).toEqual(['data_protection_officer']);
    expect(rolesFor('audit.export')).toEqual(['data_protection_officer']);
  });

  it('keeps the data-protection officer and partners away from appointments', () => {
    for (const role of ['data_protection_officer', 'partner'] as const) {
      expect(can({ grants: [grant(role)] }, 'appointments.day.read')).toBe(false);
    }
  });

  it('limits office-scoped grants to their offices', () => {
    const lead = { grants: [grant('team_lead', 'central')] };
    expect(officeAccess(lead, 'capacity.manage')).toEqual({ all: false, officeIds: ['central'] });
    expect(officeAccess({ grants: [grant('administrator')] }, 'capacity.manage')).toEqual({
      all: true,
    });
    expect(officeAccess({ grants: [grant('reception')] }, 'capacity.manage')).toEqual({
      all: false,
      officeIds: [],
    });
    // A grant without an office covers every office.
    expect(officeAccess({ grants: [grant('caseworker')] }, 'appointments.day.read')).toEqual({
      all: true,
    });
  });

  it('adds up several grants', () => {
    const both = { grants: [grant('reception', 'north'), grant('caseworker', 'south')] };
    expect(officeAccess(both, 'appointments.day.read')).toEqual({
      all: false,
      officeIds: ['north', 'south'],
    });
    expect(can(both, 'appointments.attendance.mark')).toBe(true);
    expect(officeAccess(both, 'appointments.attendance.mark')).toEqual({
      all: false,
      officeIds: ['north'],
    });
  });
});
