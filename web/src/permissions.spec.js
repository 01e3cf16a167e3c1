import { describe, expect, it } from 'vitest';

import { levelOf, MASKED_ROLES, may, PERMISSIONS } from './permissions';

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
  it('lets county offices record funds and county and township offices allocate and pay, as the server does', () => {
    const roles = Object.keys(PERMISSIONS);
    expect(roles.filter((r) => may(r, 'record_funds'))).toEqual(['admin', 'county_admin']);
    expect(roles.filter((r) => may(r, 'allocate_funds'))).toEqual(['admin', 'county_admin', 'township_operator']);
    expect(roles.filter((r) => !may(r, 'read'))).toEqual([]);
  });
  it('lets the offices, auditors and viewers read 12317 complaints and only the offices file and answer them, as the server does', () => {
    const roles = Object.keys(PERMISSIONS);
    expect(roles.filter((r) => may(r, 'read_complaints'))).toEqual(['admin', 'county_admin', 'township_operator', 'village_operator', 'auditor', 'viewer']);
    expect(roles.filter((r) => may(r, 'handle_complaints'))).toEqual(['admin', 'county_admin', 'township_operator', 'village_operator']);
  });
  it('lets county and township offices grant, repay, renew and extend loans and only county offices compensate them, as the server does', () => {
    const roles = Object.keys(PERMISSIONS);
    expect(roles.filter((r) => may(r, 'manage_loans'))).toEqual(['admin', 'county_admin', 'township_operator']);
    expect(roles.filter((r) => may(r, 'compensate_loans'))).toEqual(['admin', 'county_admin']);
  });
  it('lets the offices propose and move projects and only county offices record their assets, as the server does', () => {
    const roles = Object.keys(PERMISSIONS);
    expect(roles.filter((r) => may(r, 'move_projects'))).toEqual(['admin', 'county_admin', 'township_operator', 'village_operator']);
    expect(roles.filter((r) => may(r, 'move_projects'))).toEqual(roles.filter((r) => levelOf(r) !== null));
    expect(roles.filter((r) => may(r, 'record_project_assets'))).toEqual(['admin', 'county_admin']);
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
