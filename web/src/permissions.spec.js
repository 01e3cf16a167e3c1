import { describe, expect, it } from 'vitest';

import { levelOf, MASKED_ROLES, may } from './permissions';

describe('permissions', () => {
  it('lets each role use only what the server lets it do', () => {
    expect(may('county_admin', 'import')).toBe(true);
    expect(may('village_operator', 'import')).toBe(false);
    expect(may('helper', 'mine')).toBe(true);
    expect(may('auditor', 'audit')).toBe(true);
    expect(may('viewer', 'write')).toBe(false);
    expect(may('admin', 'users')).toBe(true);
    expect(may('county_admin', 'users')).toBe(false);
  });
  it('needs no permission for a menu without one, and none for an unknown role', () => {
    expect(may('viewer', undefined)).toBe(true);
    expect(may('stranger', 'read')).toBe(false);
  });
  it('knows the level each role acts at in procedures', () => {
    expect(['admin', 'county_admin', 'township_operator', 'village_operator'].map(levelOf)).toEqual(['admin', 'C', 'T', 'V']);
    expect(levelOf('helper')).toBeNull();
  });
  it('masks personal data for viewers, auditors and department officers', () => {
    expect(MASKED_ROLES).toEqual(['viewer', 'auditor', 'department']);
  });
});
