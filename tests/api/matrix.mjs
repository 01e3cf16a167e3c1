// THE authorisation table of the API tests: the accounts, the region scopes, what each
// role may do, and every endpoint with a request builder. matrix.test.mjs crosses every
// account with every endpoint, inside and outside the account's region, and derives the
// expected status from this file alone; openapi.test.mjs checks that every route the
// OpenAPI document lists is a row here. Adding an endpoint to the API means adding a row
// to ENDPOINTS — there is no other way to get it tested.

export const PASSWORD = 'Passw0rd-2026';

// ---- regions and data ----

function idChecksum(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return '10X98765432'[s % 11];
}

// A second county (with one township and one village) outside 620422 of tests/data/regions.csv.
export const EXTRA_REGIONS_CSV =
  'code,name,rural_population\n620423,景泰县,\n620423100,一条山镇,\n620423100201,城北村,500\n';
export const EXTRA_ID = '62042319800101123' + idChecksum('62042319800101123');
export const EXTRA_HOUSEHOLD = {
  code: 'H3000000000001',
  households:
    '户编号,行政区划代码,户类型,贫困状态,识别年度,户属性,主要致贫原因,工资性收入,生产经营性收入,生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n' +
    'H3000000000001,620423100201,建档立卡户,未脱贫,2016,一般户,因病,2000.00,1000.00,0.00,0.00,300.00,是,是,A,是\n',
  members:
    '户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n' +
    `H3000000000001,外县户主,${EXTRA_ID},户主,非在校生,长期慢性病,无劳动力,是\n`,
};

// The households a helper (帮扶责任人) of each village is assigned to; a helper reads these
// and no other household, even in its own village (H2210220100000 stays unassigned).
export const ASSIGNED = { 620422102201: ['H2210220100002'] };

// What lies inside and outside each scope used below; `missing` is what does not exist at
// all (for "outside answers exactly as missing").
export const SCOPES = {
  0: {
    inside: { region: '620422', village: '620422102201', household: 'H2210220100002' },
    outside: null, // the nation has no outside
    missing: { region: '620422109', village: '620422109999', household: 'HNOSUCH0000001' },
  },
  620422: {
    inside: { region: '620422', village: '620422102201', household: 'H2210220100002' },
    outside: { region: '620423', village: '620423100201', household: 'H3000000000001' },
    missing: { region: '620422109', village: '620422109999', household: 'HNOSUCH0000001' },
  },
  620422101: {
    inside: { region: '620422101', village: '620422101205', household: 'H2210120500001' },
    outside: { region: '620422102', village: '620422102201', household: 'H2210220100002' },
    missing: { region: '620422101999', village: '620422101999', household: 'HNOSUCH0000001' },
  },
  620422102201: {
    inside: { region: '620422102201', village: '620422102201', household: 'H2210220100002' },
    outside: { region: '620422102202', village: '620422102202', household: 'H2210220200003' },
    missing: { region: '620422102299', village: '620422102299', household: 'HNOSUCH0000001' },
  },
};

// One account per role (two admins: one of the nation, one of the county), each scoped to
// the county 620422, a township or a village. `root` is also what other tests use to set up.
export const USERS = [
  { name: 'root', role: 'admin', region: '0' },
  { name: 'admin_county', role: 'admin', region: '620422' },
  { name: 'county_admin1', role: 'county_admin', region: '620422' },
  { name: 'township_op1', role: 'township_operator', region: '620422101' },
  { name: 'village_op1', role: 'village_operator', region: '620422102201' },
  { name: 'helper1', role: 'helper', region: '620422102201' },
  { name: 'department1', role: 'department', region: '620422' },
  { name: 'auditor1', role: 'auditor', region: '620422' },
  { name: 'viewer1', role: 'viewer', region: '620422101' },
  { name: 'viewer_county', role: 'viewer', region: '620422' },
  // For the lock-out, disable and password tests of auth.test.mjs only.
  { name: 'lockme', role: 'viewer', region: '620422' },
  { name: 'disableme', role: 'viewer', region: '620422' },
  { name: 'passwdme', role: 'viewer', region: '620422' },
];
export const MATRIX_USERS = USERS.filter((u) => !['lockme', 'disableme', 'passwdme'].includes(u.name));

// What each role may do (service/auth_service.h Permission), within its region subtree.
// `read` covers regions, summaries, households, findings and department lists; `compare`
// is uploading a department list (kCompare), `decide` confirming or dismissing findings
// and running the quality checks (kDecideFindings), `care` recording measures and visits
// and uploading attachments (kRecordAssistance; a helper for its assigned households
// only, which ASSIGNED makes the target inside its scope), `helpers` adding and changing
// helpers, assigning them and the village work teams (kManageHelpers), `users` managing
// the accounts of one's region (kManageUsers, admins only), `cases` opening and
// moving cases (办件, spec/procedures.md; each step at its level: see `refuse` in the rows).
// `funds` is recording funds received (kRecordFunds, spec/funds.md), `allocate` allocating
// them to households and disbursing them (kAllocateFunds).
// ID numbers and phones are masked for the roles in MASKED.
export const PERMISSIONS = {
  admin: ['read', 'write', 'import', 'assess', 'export', 'audit', 'compare', 'decide', 'care', 'helpers', 'cases', 'users', 'funds', 'allocate'],
  county_admin: ['read', 'write', 'import', 'assess', 'export', 'compare', 'decide', 'care', 'helpers', 'cases', 'funds', 'allocate'],
  township_operator: ['read', 'write', 'import', 'assess', 'export', 'care', 'helpers', 'cases', 'allocate'],
  village_operator: ['read', 'write', 'assess', 'export', 'care', 'helpers', 'cases'],
  helper: ['read', 'assess', 'care'],
  department: ['read', 'compare'],
  auditor: ['read', 'assess', 'export', 'audit'],
  viewer: ['read', 'assess'],
};
export const MASKED = ['viewer', 'auditor', 'department'];
// 12317 complaints (投诉举报): `complaints` is reading the complaint ledger — the offices,
// auditor and viewer (not helper or department); filing, answering and confirming is `write`.
for (const role of ['admin', 'county_admin', 'township_operator', 'village_operator', 'auditor', 'viewer']) {
  PERMISSIONS[role].push('complaints');
}

// ---- findings (spec/compare.md) ----

// A deaths list (死亡名单) naming members of the base register in every village of SCOPES
// and the second county's household, two of them under another name. matrix.test.mjs
// loads it before the matrix runs (fupin compare), so that there are open findings
// (deceased_member, name_mismatch) inside and outside every scope, ten in 620422102201.
export const DEATHS_CSV = '证件号码,姓名,死亡日期\n' + [
  '620422196004057550,成员0_0', '620422196105284322,成员0_1', '620422202004236653,成员0_2',
  '62042220110125826X,别名0_3', '620422194804270334,成员2_0', '620422194308032169,成员2_1',
  '620422201511151465,别名2_2', // 620422102201
  '620422194901222334,成员1_0', // 620422101205
  '620422197506120315,成员3_0', // 620422102202
  `${EXTRA_ID},外县户主`, //       620423100201
].map((row) => `${row},2026-01-15`).join('\n') + '\n';
// A deaths list of one person who is in no register: a load that finds nothing.
const NOBODY_ID = '62042219900101001' + idChecksum('62042219900101001');
const nobody = () => {
  const f = new FormData();
  f.append('kind', 'deaths');
  f.append('as_of', '2026-06-30');
  f.append('list', new Blob([`证件号码,姓名,死亡日期\n${NOBODY_ID},无此人,2026-01-15\n`], { type: 'text/csv' }), '死亡名单.csv');
  return f;
};
const ID_SHOWN = { masked: /^\d{6}\*{8}[0-9X]{4}$/, whole: /^\d{17}[0-9X]$/ };

// ---- the endpoints ----
//
// Each row: method, path (the OpenAPI template), and
//   open     — no token needed;
//   perm     — the PERMISSIONS entry needed (null: any logged-in user);
//   ok       — the status of a success;
//   scoped   — the request names a region or household, so it is tried inside and
//              outside the caller's scope;
//   outside  — [status, code] for an allowed role outside its scope;
//   sameAsMissing — outside must answer exactly as `missing` (status and code);
//   scopeFirst — outside answers `outside` whatever the role may do (the service looks the
//              finding up before it checks the permission);
//   refuse   — { role: [status, code] } inside the scope for roles that have the permission
//              but are refused all the same (a case's step at another level);
//   build(ctx) — the request: { params, query, body, form, token }; ctx has
//              srv, user, target (SCOPES[…].inside/outside/missing), where, h (helpers);
//   check(res, ctx) — optional extra assertions on a success.
const form = (files) => {
  const f = new FormData();
  f.append('households', new Blob([files.households], { type: 'text/csv' }), 'households.csv');
  f.append('members', new Blob([files.members], { type: 'text/csv' }), 'members.csv');
  return f;
};

export const ENDPOINTS = [
  {
    method: 'GET', path: '/api/v1/health', open: true, ok: 200,
    build: () => ({}),
    check: (res, { assert }) => assert.equal(res.body.data.status, 'ok'),
  },
  {
    method: 'GET', path: '/api/v1/openapi.json', open: true, ok: 200,
    build: () => ({}),
    check: (res, { assert }) => assert.equal(res.body.openapi, '3.0.3'),
  },
  {
    method: 'POST', path: '/api/v1/session', open: true, ok: 201,
    build: ({ user }) => ({ body: { username: (user ?? { name: 'root' }).name, password: PASSWORD } }),
    check: (res, { assert, user }) => assert.equal(res.body.data.user.username, (user ?? { name: 'root' }).name),
  },
  {
    method: 'DELETE', path: '/api/v1/session', perm: null, ok: 200,
    // A session of its own, so that the account's shared token stays valid.
    build: async ({ user, h }) => ({ token: user ? await h.login(user.name) : undefined }),
    check: (res, { assert }) => assert.equal(res.body.data.logged_out, true),
  },
  {
    method: 'GET', path: '/api/v1/me', perm: null, ok: 200,
    build: () => ({}),
    check: (res, { assert, user }) => {
      assert.equal(res.body.data.username, user.name);
      assert.equal(res.body.data.role, user.role);
    },
  },
  {
    method: 'GET', path: '/api/v1/regions/{code}', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { code: target.region } }),
    check: (res, { assert, target }) => assert.equal(res.body.data.code, target.region.padEnd(12, '0')),
  },
  {
    method: 'GET', path: '/api/v1/regions/{code}/children', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { code: target.region } }),
    check: (res, { assert }) => assert.ok(Array.isArray(res.body.data.children)),
  },
  {
    method: 'GET', path: '/api/v1/regions/{code}/summary', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { code: target.region }, query: { year: 2025 } }),
    check: (res, { assert }) => assert.equal(typeof res.body.data.households, 'number'),
  },
  {
    method: 'GET', path: '/api/v1/households', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => assert.ok(res.body.data.total >= 1, 'the scope holds households'),
  },
  {
    method: 'POST', path: '/api/v1/households', perm: 'write', ok: 201, scoped: true,
    // Writing into a village outside the scope is refused as writing into one that does
    // not exist: E_REGION (a body problem), not 404.
    outside: [400, 'E_REGION'], sameAsMissing: true,
    build: ({ target, h }) => ({ body: h.newHousehold(target.village) }),
    check: (res, { assert }) => assert.equal(res.body.data.version, 1),
  },
  {
    method: 'GET', path: '/api/v1/households/{household_code}', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { household_code: target.household } }),
    check: (res, { assert, target }) => {
      assert.equal(res.body.data.household_code, target.household);
      assert.ok(res.body.data.members.length >= 1);
    },
  },
  {
    method: 'PUT', path: '/api/v1/households/{household_code}', perm: 'write', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    // The household as it is, with its current version (read by root): an update that
    // changes nothing but the version.
    build: async ({ target, h }) => {
      const code = target.household;
      const real = h.bodies[code] ?? h.bodies[h.anyHousehold];
      const version = h.bodies[code] ? await h.versionOf(code) : 1;
      return { params: { household_code: code }, body: { ...real, household_code: code, version } };
    },
    check: (res, { assert }) => assert.ok(res.body.data.version >= 2),
  },
  {
    method: 'GET', path: '/api/v1/exports/households.xlsx', perm: 'export', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => assert.equal(res.bytes.subarray(0, 2).toString('latin1'), 'PK'),
  },
  {
    method: 'POST', path: '/api/v1/imports', perm: 'import', ok: 200, scoped: true,
    // A dry run of the base households of the target region. Outside the scope it must be
    // refused like a village that does not exist (E_REGION), as POST /households is.
    outside: [400, 'E_REGION'], sameAsMissing: true,
    build: ({ target, h }) => ({ query: { dry_run: 1, lang: 'en' }, form: form(h.csvFor(target)) }),
    check: (res, { assert }) => {
      assert.equal(res.body.data.dry_run, true);
      const d = res.body.data;
      assert.ok(d.households_created + d.households_updated + d.households_unchanged >= 1);
    },
  },
  ...['exit', 'monitor', 'regions'].map((kind) => ({
    method: 'GET', path: `/api/v1/assessments/${kind}`, perm: 'assess', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { year: 2025, region: target.region, ...(kind === 'regions' ? { level: 'village' } : {}) } }),
    check: (res, { assert }) => assert.ok(Array.isArray(res.body.data)),
  })),
  // The assessments as workbooks (web app, issue 12: assessments exported to XLSX).
  ...['exit', 'monitor', 'regions'].map((kind) => ({
    method: 'GET', path: `/api/v1/exports/assessments/${kind}.xlsx`, perm: 'export', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { year: 2025, region: target.region, ...(kind === 'regions' ? { level: 'village' } : {}) } }),
    check: (res, { assert }) => assert.equal(res.bytes.subarray(0, 2).toString('latin1'), 'PK'),
  })),
  {
    method: 'POST', path: '/api/v1/compare/lists', perm: 'compare', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => {
      const form = nobody();
      form.append('region', target.region);
      return { form };
    },
    check: (res, { assert, target }) => {
      const d = res.body.data;
      assert.deepEqual([d.kind, d.rows, d.matched, d.region_code], ['deaths', 1, 0, target.region.padEnd(12, '0')]);
    },
  },
  {
    method: 'GET', path: '/api/v1/compare/lists', perm: 'read', ok: 200,
    build: () => ({ query: { kind: 'deaths' } }),
    check: (res, { assert }) => assert.ok(Array.isArray(res.body.data)),
  },
  {
    method: 'GET', path: '/api/v1/findings', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert, user }) => {
      assert.ok(res.body.data.total >= 1, 'the scope holds findings');
      const shown = MASKED.includes(user.role) ? ID_SHOWN.masked : ID_SHOWN.whole;
      // Household rules (no_helper of a quality check) name no person.
      for (const f of res.body.data.items) if (f.id_number) assert.match(f.id_number, shown);
    },
  },
  {
    method: 'GET', path: '/api/v1/findings/counts', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => assert.ok(res.body.data.some((c) => c.open + c.confirmed + c.dismissed >= 1)),
  },
  ...[['confirm', 'confirmed', undefined], ['dismiss', 'dismissed', { reason: '同名不同人，已核实' }]].map(([verb, status, body]) => ({
    // An open finding in the target village (none in a missing one: a number no finding has).
    method: 'POST', path: `/api/v1/findings/{id}/${verb}`, perm: 'decide', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], scopeFirst: true,
    build: async ({ target, h }) => ({ params: { id: await h.openFinding(target.village) }, body }),
    check: (res, { assert, user }) => {
      assert.equal(res.body.data.status, status);
      assert.equal(res.body.data.decided_by, user.name);
    },
  })),
  {
    method: 'GET', path: '/api/v1/exports/findings.xlsx', perm: 'export', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => assert.equal(res.bytes.subarray(0, 2).toString('latin1'), 'PK'),
  },
  {
    method: 'POST', path: '/api/v1/quality-checks', perm: 'decide', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ body: { region: target.region } }),
    check: (res, { assert }) => assert.equal(res.body.data.kind, 'quality'),
  },
  // ---- helpers (帮扶责任人) and village work teams (驻村工作队), issue 11 ----
  // h.helperIn(village) is a helper managed by that village and assigned to its household
  // of SCOPES (so that helper1 sees the one of 620422102201 and no other); a write names the
  // helper of the caller's own inside village, so that outside only the household differs.
  {
    method: 'GET', path: '/api/v1/helpers', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => assert.equal(typeof res.body.data.total, 'number'),
  },
  {
    method: 'POST', path: '/api/v1/helpers', perm: 'helpers', ok: 201, scoped: true,
    // A managing region outside the scope is refused as one not in the tree.
    outside: [400, 'E_REGION'], sameAsMissing: true,
    build: ({ target }) => ({ body: { name: '矩阵帮扶人', work_unit: '县农业农村局', phone: '13900001111', region_code: target.village } }),
    check: (res, { assert, target }) => assert.equal(res.body.data.region_code, target.village),
  },
  {
    method: 'GET', path: '/api/v1/helpers/{id}', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: async ({ target, h }) => ({ params: { id: await h.helperIn(target) } }),
    check: (res, { assert, user }) => {
      assert.ok(Array.isArray(res.body.data.households));
      assert.match(res.body.data.phone, MASKED.includes(user.role) ? /^139\*{4}\d{4}$/ : /^139\d{8}$/);
    },
  },
  {
    method: 'PATCH', path: '/api/v1/helpers/{id}', perm: 'helpers', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: async ({ target, h }) => ({ params: { id: await h.helperIn(target) }, body: { work_unit: '乡镇人民政府' } }),
    check: (res, { assert }) => assert.equal(res.body.data.work_unit, '乡镇人民政府'),
  },
  {
    method: 'GET', path: '/api/v1/households/{household_code}/helpers', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { household_code: target.household } }),
    check: (res, { assert }) => assert.ok(res.body.data.some((a) => a.current)),
  },
  {
    method: 'POST', path: '/api/v1/households/{household_code}/helpers', perm: 'helpers', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ target, user, h }) => ({
      params: { household_code: target.household },
      body: { helper_id: await h.helperIn(SCOPES[user?.region ?? '0'].inside) },
    }),
    check: (res, { assert }) => assert.ok(res.body.data.some((a) => a.current)),
  },
  {
    method: 'DELETE', path: '/api/v1/households/{household_code}/helpers/{id}', perm: 'helpers', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    // A helper of its own, so that the others' assignments stay.
    build: async ({ target, user, h }) => ({
      params: { household_code: target.household, id: await h.helperIn(SCOPES[user?.region ?? '0'].inside, 'unassign') },
    }),
    check: (res, { assert }) => assert.ok(Array.isArray(res.body.data)),
  },
  {
    method: 'GET', path: '/api/v1/regions/{code}/work-team', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { code: target.village } }),
    check: (res, { assert, target }) => assert.equal(res.body.data.village_code, target.village),
  },
  {
    method: 'POST', path: '/api/v1/regions/{code}/work-team', perm: 'helpers', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { code: target.village }, body: { role: 'member', name: '驻村队员', started_on: '2026-01-01' } }),
    check: (res, { assert }) => assert.equal(res.body.data.current, true),
  },
  {
    method: 'POST', path: '/api/v1/regions/{code}/work-team/{id}/end', perm: 'helpers', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ target, h }) => ({ params: { code: target.village, id: await h.teamMember(target.village) }, body: { ended_on: '2026-06-01' } }),
    check: (res, { assert }) => assert.equal(res.body.data.ended_on, '2026-06-01'),
  },
  {
    method: 'GET', path: '/api/v1/audit', perm: 'audit', ok: 200,
    build: () => ({ query: { page: 1, size: 5 } }),
    check: (res, { assert }) => {
      assert.equal(typeof res.body.data.total, 'number');
      assert.ok(Array.isArray(res.body.data.items));
    },
  },
  // ---- user administration (issue 12, web-care: GET/POST /users, disable, password) ----
  // h.freshUser(target) is a new viewer root adds in the target's village (a name no user
  // has for a missing target), so that each request has its own account to change.
  {
    method: 'GET', path: '/api/v1/users', perm: 'users', ok: 200,
    build: () => ({}),
    check: (res, { assert, user }) => {
      const names = res.body.data.items.map((u) => u.username);
      assert.ok(names.includes(user.name), 'an admin sees itself');
      if (user.region !== '0') assert.ok(!names.includes('root'), 'and no one above its region');
      for (const u of res.body.data.items) assert.equal(u.password_hash, undefined);
    },
  },
  {
    // Outside its region an admin may not add a user (the service's E_FORBIDDEN).
    method: 'POST', path: '/api/v1/users', perm: 'users', ok: 201, scoped: true,
    outside: [403, 'E_FORBIDDEN'],
    build: ({ target, h }) => ({ body: { username: h.newUserName(), role: 'viewer', region_code: target.village, password: PASSWORD } }),
    check: (res, { assert, target }) => {
      assert.deepEqual([res.body.data.role, res.body.data.region_code], ['viewer', target.village]);
    },
  },
  {
    method: 'POST', path: '/api/v1/users/{name}/disable', perm: 'users', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ target, h }) => ({ params: { name: await h.freshUser(target) } }),
    check: (res, { assert }) => assert.equal(res.body.data.disabled, true),
  },
  {
    method: 'PUT', path: '/api/v1/users/{name}/password', perm: 'users', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ target, h }) => ({ params: { name: await h.freshUser(target) }, body: { password: 'Another-pass-2027' } }),
    check: (res, { assert }) => assert.equal(res.body.data.password_set, true),
  },
  // ---- the worklist and the print views (issue 11) ----
  {
    method: 'GET', path: '/api/v1/worklist', perm: null, ok: 200,
    build: () => ({}),
    check: (res, { assert }) => {
      for (const part of ['waiting', 'closable', 'overdue', 'without_measure', 'without_helper']) {
        assert.equal(typeof res.body.data[part].total, 'number', part);
      }
    },
  },
  {
    method: 'GET', path: '/api/v1/print/policy-card/{household_code}', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { household_code: target.household } }),
    check: (res, { assert }) => {
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.match(res.text, /扶贫政策明白卡/);
      assert.doesNotMatch(res.text, /\d{17}[0-9X]/, 'no whole ID number on the card');
    },
  },
  {
    method: 'GET', path: '/api/v1/print/notice', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ query: { village: target.village, kind: 'exit' } }),
    check: (res, { assert }) => {
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.match(res.text, /脱贫退出公示公告/);
    },
  },
  // ---- measures, visits, attachments and the timeline (issue 11, measures-and-visits.md) ----
  ...['measures', 'visits', 'timeline'].map((what) => ({
    method: 'GET', path: `/api/v1/households/{household_code}/${what}`, perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { household_code: target.household } }),
    check: (res, { assert }) => assert.ok(Array.isArray(res.body.data)),
  })),
  {
    method: 'POST', path: '/api/v1/households/{household_code}/measures', perm: 'care', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({
      params: { household_code: target.household },
      body: { category: '02', date: '2026-06-01', amount: '800.00', description: '介绍到县城务工' },
    }),
    check: (res, { assert, user, target }) => {
      const m = res.body.data;
      assert.deepEqual([m.household_code, m.category, m.amount, m.recorded_by], [target.household, '02', '800.00', user.name]);
    },
  },
  {
    // With a photo the caller uploads first (none when it may not upload).
    method: 'POST', path: '/api/v1/households/{household_code}/visits', perm: 'care', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ target, user, h }) => ({
      params: { household_code: target.household },
      body: { date: '2026-06-29', findings: '家中均好，房屋安全', attachments: await h.uploadAs(user) },
    }),
    check: (res, { assert, user }) => {
      assert.equal(res.body.data.visitor, user.name);
      assert.equal(res.body.data.attachments.length, 1);
      assert.equal(res.body.data.attachments[0].media_type, 'image/png');
    },
  },
  {
    method: 'GET', path: '/api/v1/measure-categories', perm: null, ok: 200,
    build: () => ({}),
    check: (res, { assert }) => assert.deepEqual(res.body.data[0], { code: '01', label: '产业帮扶', development: true }),
  },
  {
    method: 'GET', path: '/api/v1/measures/due', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region, days: 30 } }),
    check: (res, { assert }) => assert.equal(typeof res.body.data.total, 'number'),
  },
  {
    method: 'POST', path: '/api/v1/attachments', perm: 'care', ok: 201,
    build: ({ h }) => ({ form: h.photoForm('门前.png') }),
    check: (res, { assert }) => {
      assert.equal(res.body.data.media_type, 'image/png');
      assert.match(res.body.data.sha256, /^[0-9a-f]{64}$/);
    },
  },
  {
    // A photo of a visit to the target household (recorded by root; none for a missing one).
    method: 'GET', path: '/api/v1/attachments/{id}', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ target, h }) => ({ params: { id: await h.photoOf(target.household) } }),
    check: (res, { assert }) => {
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.bytes.subarray(1, 4).toString('latin1'), 'PNG');
    },
  },
  // ---- cases (issue 11) ----
  // 办件, spec/procedures.md. Every case here is a removal (剔除, reason 05 空挂户: no
  // conditions) opened by root. Opening is at village level, so county_admin and
  // township_operator are refused with E_STEP_LEVEL; a new case stands at verify (V); the
  // cases of h.caseAtCheck were taken to check (T) by matrix.test.mjs before the matrix
  // ran (their notice began ten days earlier). Rows that change a case take a fresh one on a
  // fresh household (h.freshCase); a missing target is a number no case has.
  {
    method: 'POST', path: '/api/v1/cases', perm: 'cases', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    refuse: { county_admin: [403, 'E_STEP_LEVEL'], township_operator: [403, 'E_STEP_LEVEL'] },
    build: async ({ target, h }) => ({
      body: { kind: 'remove', household_code: await h.freshHousehold(target), reason: '05', comment: '空挂户，人户分离' },
    }),
    check: (res, { assert, user }) => {
      const c = res.body.data;
      assert.deepEqual([c.kind, c.state, c.step, c.opened_by], ['remove', 'open', 'verify', user.name]);
      assert.deepEqual(c.steps.map((s) => [s.step, s.action, s.by]), [['propose', 'advance', user.name]]);
    },
  },
  {
    method: 'GET', path: '/api/v1/cases', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => {
      assert.equal(typeof res.body.data.total, 'number');
      assert.ok(Array.isArray(res.body.data.items));
    },
  },
  {
    method: 'GET', path: '/api/v1/cases/{id}', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: async ({ target, h }) => ({ params: { id: await h.caseOf(target) } }),
    check: (res, { assert, target }) => {
      assert.equal(res.body.data.household_code, target.household);
      assert.ok(res.body.data.steps.length >= 1);
    },
  },
  {
    method: 'POST', path: '/api/v1/cases/{id}/advance', perm: 'cases', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    refuse: { county_admin: [403, 'E_STEP_LEVEL'], township_operator: [403, 'E_STEP_LEVEL'] },
    build: async ({ target, h }) => ({ params: { id: await h.freshCase(target) }, body: { comment: '已入户核实' } }),
    check: (res, { assert, user }) => {
      assert.equal(res.body.data.step, 'review');
      assert.deepEqual(res.body.data.steps.at(-1).by, user.name);
    },
  },
  {
    // A case of the target household with its notice running (root advances it there).
    method: 'POST', path: '/api/v1/cases/{id}/objections', perm: 'read', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: async ({ target, h }) => ({ params: { id: await h.noticeCase(target) }, body: { text: '该户实际在村居住' } }),
    check: (res, { assert, user }) => {
      assert.equal(res.body.data.step, 'verify');
      assert.deepEqual(res.body.data.steps.at(-1).action, 'objection');
      assert.deepEqual(res.body.data.steps.at(-1).by, user.name);
    },
  },
  {
    // A case at the township's check: its level is T.
    method: 'POST', path: '/api/v1/cases/{id}/return', perm: 'cases', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    refuse: { county_admin: [403, 'E_STEP_LEVEL'], village_operator: [403, 'E_STEP_LEVEL'] },
    build: async ({ target, h }) => ({ params: { id: await h.caseAtCheck(target) }, body: { to: 'verify', reason: '核实材料不全' } }),
    check: (res, { assert }) => {
      assert.equal(res.body.data.step, 'verify');
      assert.deepEqual([res.body.data.steps.at(-1).action, res.body.data.steps.at(-1).to], ['return', 'verify']);
    },
  },
  {
    method: 'POST', path: '/api/v1/cases/{id}/reject', perm: 'cases', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    refuse: { county_admin: [403, 'E_STEP_LEVEL'], township_operator: [403, 'E_STEP_LEVEL'] },
    build: async ({ target, h }) => ({ params: { id: await h.freshCase(target) }, body: { reason: '经核实不属空挂户' } }),
    check: (res, { assert }) => {
      assert.deepEqual([res.body.data.state, res.body.data.step], ['rejected', null]);
    },
  },
  // ---- the household page of the web app (issue 12, register): the exit criteria ----
  {
    method: 'GET', path: '/api/v1/households/{household_code}/criteria', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ params: { household_code: target.household }, query: { year: 2020 } }),
    check: (res, { assert, target }) => {
      assert.equal(res.body.data.household_code, target.household);
      assert.deepEqual(res.body.data.criteria.map((c) => c.criterion),
        ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water']);
    },
  },
  // ---- the funds ledger (issue 14, spec/funds.md: funds, allocations, disbursements) ----
  // Root records a fund of the target's county (and allocates it to the target household)
  // for each request; the caller allocates or pays from it.
  {
    method: 'POST', path: '/api/v1/funds', perm: 'funds', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({
      body: { level: '县', kind: '财政衔接推进乡村振兴补助资金', year: 2026, region: target.region, amount: '1000.00', name: '县级第一批' },
    }),
    check: (res, { assert, user, target }) => {
      const f = res.body.data;
      assert.deepEqual([f.level, f.amount, f.left, f.region, f.created_by], ['县', '1000.00', '1000.00', target.region.padEnd(12, '0'), user.name]);
    },
  },
  ...['/api/v1/funds', '/api/v1/allocations', '/api/v1/disbursements'].map((path) => ({
    method: 'GET', path, perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ query: { region: target.region } }),
    check: (res, { assert }) => assert.ok(Array.isArray(res.body.data)),
  })),
  {
    method: 'GET', path: '/api/v1/funds/progress', perm: 'read', ok: 200, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: ({ target }) => ({ query: { region: target.region, year: 2026, as_of: '2026-06-30' } }),
    check: (res, { assert }) => {
      assert.match(res.body.data.ratio, /^\d\.\d{4}$/);
      assert.equal(typeof res.body.data.meets, 'boolean');
    },
  },
  {
    method: 'POST', path: '/api/v1/allocations', perm: 'allocate', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
    build: async ({ srv, target }) => ({
      body: { fund_id: await fundOf(srv, target), household_code: target.household, amount: '100.00' },
    }),
    check: (res, { assert, user, target }) => {
      const a = res.body.data;
      assert.deepEqual([a.household_code, a.amount, a.region, a.created_by], [target.household, '100.00', target.village, user.name]);
    },
  },
  {
    method: 'POST', path: '/api/v1/disbursements', perm: 'allocate', ok: 201, scoped: true,
    outside: [404, 'E_NOT_FOUND'],
    build: async ({ srv, target }) => ({
      body: { allocation_id: await allocationOf(srv, target), amount: '10.00', date: '2026-06-01', voucher: '记-06-001' },
    }),
    check: (res, { assert, user }) => {
      const d = res.body.data;
      assert.deepEqual([d.amount, d.date, d.voucher, d.created_by], ['10.00', '2026-06-01', '记-06-001', user.name]);
    },
  },
  // ---- 12317 complaints (issue 14, complaints) ----
  // Each complaint is filed by root for the target region itself (a county, township or
  // village: the handler's own desk, so a township office sees its township's complaint);
  // a missing target is a number no complaint has.
  ...complaintRows(),
  // ---- funds reports (issue 14, reports): the table by child region and the alerts ----
  ...fundReportRows(),
  // ---- the project library (issue 14, projects) ----
  ...projectRows(),
  // ---- 扶贫小额信贷 microcredit (issue 14, loans) ----
  // Root registers a household of the target's village with a borrower born in 1981 and
  // grants it a loan for each request; a missing target is a number no loan has.
  ...loanRows(),
  // ---- projects by stage and category in one request (issue 14, the dashboard's panel) ----
  ...projectStatsRows(),
];

// The expected [status, code] of `endpoint` for `user` (null: no token) at `where`
// ('inside' or 'outside').
export function expected(endpoint, user, where) {
  if (endpoint.open) return [endpoint.ok, null];
  if (!user) return [401, 'E_AUTH'];
  if (where === 'outside' && endpoint.scopeFirst) return endpoint.outside;
  if (endpoint.perm && !PERMISSIONS[user.role].includes(endpoint.perm)) return [403, 'E_FORBIDDEN'];
  if (where === 'outside') return endpoint.outside;
  if (endpoint.refuse?.[user.role]) return endpoint.refuse[user.role];
  return [endpoint.ok, null];
}

// Fills a path template: /api/v1/regions/{code} with {code: '620422'}.
export function fillPath(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, k) => {
    if (!(k in params)) throw new Error(`no value for {${k}} in ${template}`);
    return encodeURIComponent(params[k]);
  });
}

// ---- the funds ledger (issue 14): what root records for the rows above ----
async function asRootFunds(srv, pathname, body) {
  const { api } = await import('./server.mjs');
  const res = await api(srv, 'POST', pathname, { token: await srv.token('root'), body });
  if (res.status !== 201) throw new Error(`root POST ${pathname}: ${res.text.slice(0, 300)}`);
  return res.body.data.id;
}
// A new fund of 1000 yuan received by the county of the target's village.
function fundOf(srv, target) {
  return asRootFunds(srv, '/api/v1/funds', {
    level: '中央', kind: '中央财政专项扶贫资金', year: 2026, region: target.village.slice(0, 6), amount: '1000.00', name: '测试资金',
  });
}
// A new allocation of 100 yuan of such a fund to the target household, or a number no
// allocation has for a missing household.
async function allocationOf(srv, target) {
  if (target.household.startsWith('HNOSUCH')) return 99999999;
  return asRootFunds(srv, '/api/v1/allocations', { fund_id: await fundOf(srv, target), household_code: target.household, amount: '100.00' });
}

// ---- 12317 complaints (issue 14, complaints) ----
async function rootCall(srv, method, pathname, body) {
  const res = await fetch(srv.base + pathname, {
    method,
    headers: { authorization: `Bearer ${await srv.token('root')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`root ${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

// A new open complaint of the target region (by root), or a number no complaint has.
async function complaintOf(srv, target, { answered = false } = {}) {
  if (target.household.startsWith('HNOSUCH')) return 999999999;
  const c = await rootCall(srv, 'POST', '/api/v1/complaints', {
    channel: 'phone', region: target.region, subject: '低保评定', text: '评定结果未公示',
    name: '王小明', phone: '13812345678',
  });
  if (answered) await rootCall(srv, 'POST', `/api/v1/complaints/${c.id}/answer`, { answer: '已公示' });
  return c.id;
}

function complaintRows() {
  return [
    {
      method: 'POST', path: '/api/v1/complaints', perm: 'write', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: ({ target }) => ({
        body: { channel: 'web', region: target.region, subject: '危房改造', text: '补助未到户', name: '李四', phone: '13912345678' },
      }),
      check: (res, { assert, target }) => {
        assert.deepEqual(Object.keys(res.body.data).sort(), ['due_on', 'id', 'level', 'overdue', 'region', 'state']);
        assert.equal(res.body.data.region, target.region.padEnd(12, '0'));
        assert.equal(res.body.data.state, 'open');
      },
    },
    {
      method: 'GET', path: '/api/v1/complaints', perm: 'complaints', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: ({ target }) => ({ query: { region: target.region } }),
      check: (res, { assert }) => {
        assert.equal(typeof res.body.data.total, 'number');
        assert.ok(Array.isArray(res.body.data.items));
      },
    },
    {
      method: 'GET', path: '/api/v1/complaints/stats', perm: 'complaints', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: ({ target }) => ({ query: { region: target.region } }),
      check: (res, { assert }) => assert.equal(typeof res.body.data.all.total, 'number'),
    },
    {
      method: 'GET', path: '/api/v1/complaints/{id}', perm: 'complaints', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await complaintOf(srv, target) } }),
      check: (res, { assert, user, target }) => {
        assert.equal(res.body.data.region, target.region.padEnd(12, '0'));
        // Only the handler (an office of the complaint's own region) sees the phone whole.
        const handler = ['county_admin', 'township_operator', 'village_operator', 'admin'].includes(user.role) &&
          user.region.padEnd(12, '0') === target.region.padEnd(12, '0');
        assert.equal(res.body.data.phone, handler ? '13812345678' : '138****5678');
      },
    },
    {
      method: 'POST', path: '/api/v1/complaints/{id}/answer', perm: 'write', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await complaintOf(srv, target) }, body: { answer: '已入户核实并公示', evidence: '公示照片' } }),
      check: (res, { assert, user }) => {
        assert.equal(res.body.data.state, 'answered');
        assert.equal(res.body.data.answered_by, user.name);
      },
    },
    {
      method: 'POST', path: '/api/v1/complaints/{id}/confirm', perm: 'write', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await complaintOf(srv, target, { answered: true }) }, body: { satisfied: true } }),
      check: (res, { assert }) => {
        assert.equal(res.body.data.state, 'confirmed');
        assert.equal(res.body.data.satisfied, true);
      },
    },
  ];
}

// ---- funds reports (issue 14, reports) ----
function fundReportRows() {
  const query = ({ target }) => ({ query: { region: target.region, year: 2026, as_of: '2026-06-30' } });
  return [
    {
      method: 'GET', path: '/api/v1/funds/report', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true, build: query,
      check: (res, { assert, target }) => {
        const r = res.body.data;
        assert.equal(r.region, target.region.padEnd(12, '0'));
        assert.ok(Array.isArray(r.rows));
        assert.equal(r.total.total, true);
        assert.match(r.total.ratio, /^\d\.\d{4}$/);
      },
    },
    {
      method: 'GET', path: '/api/v1/funds/alerts', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true, build: query,
      check: (res, { assert }) => assert.ok(Array.isArray(res.body.data)),
    },
  ];
}

// ---- the project library (issue 14, projects) ----
// A project of the target region itself (a county's, a township's or a village's own; a
// number no project has for a missing target), proposed by an admin of the nation made for
// these rows (so that root, another admin, may approve it) and moved by root: a county's
// goes through approval (no notice) to `stage`; a township's and a village's stop at their
// first notice, which the server's clock does not let close.
async function projectAdmin(srv) {
  srv.projectAdmin ??= rootCall(srv, 'POST', '/api/v1/users', {
    username: 'project_admin', role: 'admin', region_code: '0', password: PASSWORD,
  });
  await srv.projectAdmin;
  return srv.token('project_admin');
}
async function projectOf(srv, target, { stage = 'approve' } = {}) {
  if (target.household.startsWith('HNOSUCH')) return 999999999;
  const res = await fetch(`${srv.base}/api/v1/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await projectAdmin(srv)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: '村道硬化', category: '乡村建设行动', nature: '新建', region: target.region, year: 2026,
      start_on: '2026-07-01', end_on: '2026-10-31', unit: '县交通运输局', person: '张工', tasks: '硬化村道 2 公里',
      budget: { central: '500000' }, performance_targets: [{ indicator: '新建道路', target: '2公里' }],
      poverty_linkage: '方便脱贫户出行和农产品运输',
    }),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`POST /projects: ${res.status} ${JSON.stringify(json)}`);
  let p = json.data;
  while (p.stage !== stage && !p.notice && p.stage !== 'done') {
    p = await rootCall(srv, 'POST', `/api/v1/projects/${p.id}/advance`, { comment: '同意' });
  }
  return p.id;
}

function projectRows() {
  const noticeFirst = { township_operator: [409, 'E_NOTICE_OPEN'], village_operator: [409, 'E_NOTICE_OPEN'] };
  return [
    {
      // The caller proposes a project of its own region: a county's, township's or village's.
      method: 'POST', path: '/api/v1/projects', perm: 'cases', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: ({ target }) => ({
        body: {
          name: '肉牛养殖', category: 'industry', nature: 'new', region: target.region, year: 2026,
          start_on: '2026-07-01', end_on: '2026-12-31', unit: '乡镇人民政府', person: '李某', tasks: '建牛舍',
          budget: { county: '1000.00' },
        },
      }),
      check: (res, { assert, user, target }) => {
        const p = res.body.data;
        assert.deepEqual([p.region, p.opened_by, p.budget_total], [target.region.padEnd(12, '0'), user.name, '1000.00']);
        assert.equal(p.steps.length, 1);
      },
    },
    {
      method: 'GET', path: '/api/v1/projects', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: ({ target }) => ({ query: { region: target.region } }),
      check: (res, { assert }) => {
        assert.equal(typeof res.body.data.total, 'number');
        assert.ok(Array.isArray(res.body.data.items));
      },
    },
    {
      method: 'GET', path: '/api/v1/projects/report', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: ({ target }) => ({ query: { region: target.region, year: 2026 } }),
      check: (res, { assert, target }) => {
        assert.equal(res.body.data.region, target.region.padEnd(12, '0'));
        assert.ok(Array.isArray(res.body.data.rows));
        assert.equal(res.body.data.total.total, true);
      },
    },
    {
      method: 'GET', path: '/api/v1/projects/{id}', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ srv, target }) => ({ params: { id: await projectOf(srv, target) } }),
      check: (res, { assert, target }) => assert.equal(res.body.data.region, target.region.padEnd(12, '0')),
    },
    {
      // A county's project waits for approval; a township's and a village's notice runs.
      method: 'POST', path: '/api/v1/projects/{id}/advance', perm: 'cases', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], refuse: noticeFirst,
      build: async ({ srv, target }) => ({ params: { id: await projectOf(srv, target) }, body: { comment: '同意入库' } }),
      check: (res, { assert, user }) => {
        assert.equal(res.body.data.stage, 'plan');
        assert.deepEqual([res.body.data.steps.at(-1).by, res.body.data.in_library], [user.name, true]);
      },
    },
    {
      // Every notice: a county's before work starts, a township's and a village's first.
      method: 'POST', path: '/api/v1/projects/{id}/objections', perm: 'read', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ srv, target }) => ({ params: { id: await projectOf(srv, target, { stage: 'start_notice' }) }, body: { text: '选址有争议' } }),
      check: (res, { assert, user }) => {
        assert.ok(['plan', 'propose'].includes(res.body.data.stage));
        assert.deepEqual([res.body.data.steps.at(-1).action, res.body.data.steps.at(-1).by], ['objection', user.name]);
        assert.equal(res.body.data.notice, null);
      },
    },
    {
      // From a township or county stage only: a village's project is at its village notice.
      method: 'POST', path: '/api/v1/projects/{id}/return', perm: 'cases', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], refuse: { village_operator: [409, 'E_STATE'] },
      build: async ({ srv, target }) => ({ params: { id: await projectOf(srv, target) }, body: { to: 'propose', reason: '预算不实' } }),
      check: (res, { assert }) => {
        assert.equal(res.body.data.stage, 'propose');
        assert.deepEqual([res.body.data.steps.at(-1).action, res.body.data.steps.at(-1).to], ['return', 'propose']);
      },
    },
    {
      method: 'POST', path: '/api/v1/projects/{id}/reject', perm: 'cases', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ srv, target }) => ({ params: { id: await projectOf(srv, target) }, body: { reason: '不符合入库条件' } }),
      check: (res, { assert }) => assert.deepEqual([res.body.data.state, res.body.data.stage], ['rejected', 'rejected']),
    },
    // Progress and assets come after notices the server's clock cannot close: every office
    // that may write reaches the stage check (E_STATE); the API test walks the whole way.
    ...[['progress', { percent: 50 }], ['assets', { kind: '公益性', name: '村道', value: '1.00', owner: '村集体', keeper: '村委会' }]]
      .map(([name, body]) => ({
        method: 'POST', path: `/api/v1/projects/{id}/${name}`, perm: 'cases', ok: 201, scoped: true,
        outside: [404, 'E_NOT_FOUND'],
        refuse: Object.fromEntries(['admin', 'county_admin', 'township_operator', 'village_operator'].map((r) => [r, [409, 'E_STATE']])),
        build: async ({ srv, target }) => ({ params: { id: await projectOf(srv, target) }, body }),
      })),
  ];
}

// ---- 扶贫小额信贷 microcredit (issue 14, loans) ----
let loanCounter = 0;
// A new 建档立卡户 of `village` (by root) whose head was born in 1981: [code, ID number].
async function loanHousehold(srv, village) {
  const { newHousehold } = await import('./server.mjs');
  loanCounter++;
  const code = `HL${String(process.pid).padStart(7, '0')}${String(loanCounter).padStart(5, '0')}`;
  const month = String(1 + (loanCounter % 12)).padStart(2, '0');
  const day = String(1 + (Math.floor(loanCounter / 12) % 28)).padStart(2, '0');
  const first17 = `110101${1981}${month}${day}${String((loanCounter * 2 + 1) % 1000).padStart(3, '0')}`;
  const id = first17 + idChecksum(first17);
  const body = newHousehold(village, { code });
  body.members[0].id_number = id;
  await rootCall(srv, 'POST', '/api/v1/households', body);
  return [code, id];
}
// A loan body for the target: a new household's borrower when `household` is not given.
async function loanBody(srv, target, { start = '2026-01-15', term = 12, rate = '0.03' } = {}) {
  if (target.household.startsWith('HNOSUCH')) {
    return { household_code: target.household, borrower_id_number: EXTRA_ID, amount: '10000', term_months: term, start_date: start, bank: '农商银行', annual_rate: rate, purpose: '02' };
  }
  const [code, id] = await loanHousehold(srv, target.village);
  return { household_code: code, borrower_id_number: id, amount: '10000', term_months: term, start_date: start, bank: '农商银行', annual_rate: rate, purpose: '02' };
}
// A loan granted by root in the target's village (one overdue 180 days with `overdue`), or
// a number no loan has.
async function loanOf(srv, target, { overdue = false } = {}) {
  if (target.household.startsWith('HNOSUCH')) return 99999999;
  const body = overdue ? await loanBody(srv, target, { start: '2025-01-01', rate: '0.031' }) : await loanBody(srv, target);
  return (await rootCall(srv, 'POST', '/api/v1/loans', body)).id;
}

function loanRows() {
  // A helper reads the loans of its assigned households only: these are new households.
  const helperRefuses = { helper: [404, 'E_NOT_FOUND'] };
  return [
    {
      method: 'POST', path: '/api/v1/loans', perm: 'allocate', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: async ({ target, srv }) => ({ body: await loanBody(srv, target) }),
      check: (res, { assert, user }) => {
        const l = res.body.data;
        assert.deepEqual([l.amount, l.due_date, l.state, l.purpose, l.created_by], ['10000.00', '2027-01-15', 'active', '02', user.name]);
        assert.match(l.borrower_id_number, ID_SHOWN.whole);
      },
    },
    {
      method: 'GET', path: '/api/v1/loans', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: ({ target }) => ({ query: { region: target.region } }),
      check: (res, { assert }) => {
        assert.equal(typeof res.body.data.total, 'number');
        assert.ok(Array.isArray(res.body.data.items));
      },
    },
    {
      method: 'GET', path: '/api/v1/loans/{id}', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], refuse: helperRefuses,
      build: async ({ target, srv }) => ({ params: { id: await loanOf(srv, target) } }),
      check: (res, { assert, user, target }) => {
        assert.equal(res.body.data.region, target.village);
        assert.match(res.body.data.borrower_id_number, MASKED.includes(user.role) ? ID_SHOWN.masked : ID_SHOWN.whole);
      },
    },
    {
      method: 'POST', path: '/api/v1/loans/{id}/repayments', perm: 'allocate', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await loanOf(srv, target) }, body: { date: '2026-06-30', principal: '1000.00', interest: '12.50' } }),
      check: (res, { assert }) => {
        assert.deepEqual([res.body.data.outstanding, res.body.data.repayments.length], ['9000.00', 1]);
      },
    },
    {
      method: 'POST', path: '/api/v1/loans/{id}/renewal', perm: 'allocate', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await loanOf(srv, target) }, body: { date: '2026-06-30' } }),
      check: (res, { assert }) => {
        assert.deepEqual([res.body.data.start_date, res.body.data.contract_start, res.body.data.amount], ['2026-06-30', '2026-01-15', '10000.00']);
        assert.equal(typeof res.body.data.renewal_of, 'number');
      },
    },
    {
      method: 'POST', path: '/api/v1/loans/{id}/extension', perm: 'allocate', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await loanOf(srv, target) }, body: { months: 6, reason: '冰雹灾害，非主观原因' } }),
      check: (res, { assert }) => {
        assert.deepEqual([res.body.data.due_date, res.body.data.original_due_date, res.body.data.extended_months], ['2027-07-15', '2027-01-15', 6]);
      },
    },
    {
      method: 'POST', path: '/api/v1/loans/{id}/compensation', perm: 'funds', ok: 201, scoped: true,
      outside: [404, 'E_NOT_FOUND'],
      build: async ({ target, srv }) => ({ params: { id: await loanOf(srv, target, { overdue: true }) } }),
      check: (res, { assert }) => {
        const c = res.body.data.compensation;
        assert.equal(res.body.data.state, 'compensated');
        assert.deepEqual([c.days_overdue, c.base, c.fund, c.bank], [180, '10000.00', '8000.00', '2000.00']);
      },
    },
    {
      method: 'GET', path: '/api/v1/loans/{id}/subsidy', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], refuse: helperRefuses,
      build: async ({ target, srv }) => ({ params: { id: await loanOf(srv, target) }, query: { year: 2026 } }),
      check: (res, { assert }) => {
        // 1,000,000 fen × 0.03 × 351 days (2026-01-15 → 2027-01-01) / 360 = 29,250.00 fen.
        assert.deepEqual([res.body.data.interest, res.body.data.subsidy], ['292.50', '292.50']);
      },
    },
  ];
}

// Projects by stage and category (issue 14, the dashboard's panel): every role that reads
// projects, inside its scope; every stage is listed, zeros included.
function projectStatsRows() {
  return [
    {
      method: 'GET', path: '/api/v1/projects/stats', perm: 'read', ok: 200, scoped: true,
      outside: [404, 'E_NOT_FOUND'], sameAsMissing: true,
      build: ({ target }) => ({ query: { region: target.region, year: 2026 } }),
      check: (res, { assert, target }) => {
        const d = res.body.data;
        assert.deepEqual([d.region, d.year], [target.region.padEnd(12, '0'), 2026]);
        assert.equal(d.by_stage.length, 13);
        assert.equal(d.by_stage.reduce((n, s) => n + s.count, 0), d.total);
      },
    },
  ];
}
