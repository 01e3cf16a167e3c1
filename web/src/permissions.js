// What each role may do (the server's service/accounts/auth_service.cc RoleMay), to show
// only the menus a role can use. The server checks every request itself; this only hides
// what would be refused. The funds ledger: record_funds (kRecordFunds, 登记资金) and
// allocate_funds (kAllocateFunds, 分配到户 and 支付).
export const PERMISSIONS = {
  admin: ['read', 'write', 'import', 'assess', 'export', 'audit', 'compare', 'decide', 'care', 'helpers', 'cases', 'users', 'record_funds', 'allocate_funds'],
  county_admin: ['read', 'write', 'import', 'assess', 'export', 'compare', 'decide', 'care', 'helpers', 'cases', 'record_funds', 'allocate_funds'],
  township_operator: ['read', 'write', 'import', 'assess', 'export', 'care', 'helpers', 'cases', 'allocate_funds'],
  village_operator: ['read', 'write', 'assess', 'export', 'care', 'helpers', 'cases'],
  helper: ['read', 'assess', 'care', 'mine'],
  department: ['read', 'compare'],
  auditor: ['read', 'assess', 'export', 'audit'],
  viewer: ['read', 'assess'],
};

// 12317 complaints (issue 14, web14; service/complaints/complaint_service.h): read_complaints
// (list, detail, statistics: the offices, auditor and viewer; helper and department are
// refused) and handle_complaints (file, answer, confirm: the offices, kWriteHousehold). Who
// sees a complainant's name and phone whole is the server's to say (`handler` of a complaint).
for (const role of ['admin', 'county_admin', 'township_operator', 'village_operator', 'auditor', 'viewer']) {
  PERMISSIONS[role].push('read_complaints');
}
for (const role of ['admin', 'county_admin', 'township_operator', 'village_operator']) {
  PERMISSIONS[role].push('handle_complaints');
}

// 扶贫小额信贷 microcredit (issue 14, loansweb14; service/loans/loan_service.cc): manage_loans
// (登记贷款, 还款, 续贷, 展期: kAllocateFunds, county and township offices) and
// compensate_loans (风险补偿金代偿: kRecordFunds, county offices); every role that reads the
// register reads the loans.
for (const role of ['admin', 'county_admin', 'township_operator']) PERMISSIONS[role].push('manage_loans');
for (const role of ['admin', 'county_admin']) PERMISSIONS[role].push('compensate_loans');

// The roles that see ID numbers and phones masked (spec/api.md).
export const MASKED_ROLES = ['viewer', 'auditor', 'department'];

export function may(role, permission) {
  return !permission || (PERMISSIONS[role] ?? []).includes(permission);
}

// The level a role acts at in procedures: V, T, C, or admin (any); null for the others.
export function levelOf(role) {
  return { admin: 'admin', county_admin: 'C', township_operator: 'T', village_operator: 'V' }[role] ?? null;
}

// 扶贫项目库 project library screens (issue 14, projweb14; service/projects/project_service.cc):
// move_projects (申报, 推进, 退回, 不予通过, 填报进度: the roles with a level, LevelOf — village,
// township and county offices and admin; the stage's level is checked per project, see
// views/projects/flow.js) and record_project_assets (资产登记: the assets stage is the county's).
for (const role of ['admin', 'county_admin', 'township_operator', 'village_operator']) PERMISSIONS[role].push('move_projects');
for (const role of ['admin', 'county_admin']) PERMISSIONS[role].push('record_project_assets');
