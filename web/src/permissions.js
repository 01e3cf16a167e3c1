// What each role may do (the server's service/accounts/auth_service.cc RoleMay), to show
// only the menus a role can use. The server checks every request itself; this only hides
// what would be refused.
export const PERMISSIONS = {
  admin: ['read', 'write', 'import', 'assess', 'export', 'audit', 'compare', 'decide', 'care', 'helpers', 'cases', 'users'],
  county_admin: ['read', 'write', 'import', 'assess', 'export', 'compare', 'decide', 'care', 'helpers', 'cases'],
  township_operator: ['read', 'write', 'import', 'assess', 'export', 'care', 'helpers', 'cases'],
  village_operator: ['read', 'write', 'assess', 'export', 'care', 'helpers', 'cases'],
  helper: ['read', 'assess', 'care', 'mine'],
  department: ['read', 'compare'],
  auditor: ['read', 'assess', 'export', 'audit'],
  viewer: ['read', 'assess'],
};

// The roles that see ID numbers and phones masked (spec/api.md).
export const MASKED_ROLES = ['viewer', 'auditor', 'department'];

export function may(role, permission) {
  return !permission || (PERMISSIONS[role] ?? []).includes(permission);
}

// The level a role acts at in procedures: V, T, C, or admin (any); null for the others.
export function levelOf(role) {
  return { admin: 'admin', county_admin: 'C', township_operator: 'T', village_operator: 'V' }[role] ?? null;
}
