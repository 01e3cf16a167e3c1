// The authorisation matrix: every account of matrix.mjs (and no token at all) × every
// endpoint of matrix.mjs × inside and outside the account's region → the status the
// table derives. Outside the scope, a household or region answers exactly as one that
// does not exist.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
  ROOT, startServer, api, login, baseBodies, csvFor, newHousehold, assertStopsCleanly,
} from './server.mjs';
import {
  ENDPOINTS, MATRIX_USERS, SCOPES, PERMISSIONS, USERS, DEATHS_CSV, PASSWORD, expected, fillPath,
} from './matrix.mjs';

let srv;
const h = {
  bodies: baseBodies(),
  anyHousehold: 'H2210120500001',
  newHousehold,
  csvFor,
  login: (name) => login(srv, name),
  versionOf: async (code) => {
    const res = await api(srv, 'GET', `/api/v1/households/${code}`, { token: await srv.token('root') });
    assert.equal(res.status, 200, `root reads ${code}: ${res.text}`);
    return res.body.data.version;
  },
  // The number of an open finding in `village` (read by root), or one no finding has.
  openFinding: async (village) => {
    const res = await api(srv, 'GET', '/api/v1/findings', {
      token: await srv.token('root'), query: { region: village, status: 'open', size: 1 },
    });
    assert.equal(res.status, 200, `root reads the findings of ${village}: ${res.text}`);
    return res.body.data.items[0]?.id ?? 99999999;
  },
  // Measures and visits (matrix.mjs, issue 11): a form holding a small PNG.
  photoForm: (name) => {
    const f = new FormData();
    f.append('file', new Blob([PNG], { type: 'application/octet-stream' }), name);
    return f;
  },
  // The ids of a photo `user` uploads, [] when it may not upload.
  uploadAs: async (user) => {
    if (!user) return [];
    const res = await api(srv, 'POST', '/api/v1/attachments', { token: await srv.token(user.name), form: h.photoForm('走访.png') });
    return res.status === 201 ? [res.body.data.id] : [];
  },
  // The id of a photo of a visit root records to `household` (once), or one no file has.
  photos: new Map(),
  photoOf: async (household) => {
    if (household.startsWith('HNOSUCH')) return 99999999;
    if (!h.photos.has(household)) {
      const token = await srv.token('root');
      const [id] = await h.uploadAs({ name: 'root' });
      const res = await api(srv, 'POST', `/api/v1/households/${household}/visits`, {
        token, body: { date: '2026-06-28', findings: '拍照存档', attachments: [id] },
      });
      assert.equal(res.status, 201, `root records a visit to ${household}: ${res.text}`);
      h.photos.set(household, id);
    }
    return h.photos.get(household);
  },
  // Helpers and work teams (matrix.mjs): a helper managed by the target's village and
  // assigned to its household, made once per village and tag by root; a number no helper
  // has where the village does not exist.
  helpers: new Map(),
  helperIn: (target, tag = '') => {
    const key = `${target.village} ${tag}`;
    if (!h.helpers.has(key)) h.helpers.set(key, (async () => {
      const token = await srv.token('root');
      const made = await api(srv, 'POST', '/api/v1/helpers', {
        token, body: { name: `帮扶人${tag}`, phone: '13900002222', region_code: target.village },
      });
      if (made.status !== 201) return 99999999;
      const id = made.body.data.id;
      const res = await api(srv, 'POST', `/api/v1/households/${target.household}/helpers`, { token, body: { helper_id: id } });
      assert.equal(res.status, 201, `root assigns helper ${id} to ${target.household}: ${res.text}`);
      return id;
    })());
    return h.helpers.get(key);
  },
  // A member of the village's work team, new for each call (ending one is done once).
  teamMember: async (village) => {
    const res = await api(srv, 'POST', `/api/v1/regions/${village}/work-team`, {
      token: await srv.token('root'), body: { role: 'leader', name: '队长', started_on: '2026-01-01' },
    });
    return res.status === 201 ? res.body.data.id : 99999999;
  },
};
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

// ---- cases (issue 11): fresh households and cases, opened and moved by root ----
const NO_CASE = 99999999;
let householdCounter = 0;
// A request as root that must succeed; its data.
async function asRoot(method, pathname, body, status = 200) {
  const res = await api(srv, method, pathname, { token: await srv.token('root'), body });
  assert.equal(res.status, status, `root ${method} ${pathname}: ${res.text.slice(0, 500)}`);
  return res.body.data;
}
Object.assign(h, {
  // A new household in the target's village (digits in its code, as messages are compared
  // with the codes taken out); the missing household itself for a missing target.
  freshHousehold: async (target) => {
    if (target.household.startsWith('HNOSUCH')) return target.household;
    const code = `HC${String(process.pid).padStart(7, '0')}${String(++householdCounter).padStart(5, '0')}`;
    await asRoot('POST', '/api/v1/households', newHousehold(target.village, { code }), 201);
    return code;
  },
  openCase: async (household) => (await asRoot('POST', '/api/v1/cases',
    { kind: 'remove', household_code: household, reason: '05', comment: '空挂户' }, 201)).id,
  // A new case at verify on a new household of the target's village.
  freshCase: async (target) => {
    if (target.household.startsWith('HNOSUCH')) return NO_CASE;
    return h.openCase(await h.freshHousehold(target));
  },
  // The case of the target household itself (opened once).
  cases: new Map(),
  caseOf: async (target) => {
    if (target.household.startsWith('HNOSUCH')) return NO_CASE;
    if (!h.cases.has(target.household)) h.cases.set(target.household, await h.openCase(target.household));
    return h.cases.get(target.household);
  },
  // That case with its notice running: root advances it to its notice step.
  noticeCase: async (target) => {
    const id = await h.caseOf(target);
    if (id === NO_CASE) return id;
    for (let i = 0; i < 5; i++) {
      const c = await asRoot('GET', `/api/v1/cases/${id}`);
      if (c.step === 'notice') return id;
      await asRoot('POST', `/api/v1/cases/${id}/advance`, { comment: '办理' });
    }
    throw new Error(`case ${id} never reached its notice`);
  },
  // A case of the target's village at the township's check (made before the matrix ran),
  // or the target household's case when there is none.
  atCheck: {},
  caseAtCheck: async (target) => {
    for (const id of h.atCheck[target.village] ?? []) {
      if ((await asRoot('GET', `/api/v1/cases/${id}`)).step === 'check') return id;
    }
    return h.caseOf(target);
  },
});
// User administration (issue 12, web-care): new user names (u + digits, so that messages
// compare with the digits taken out) and a viewer root adds in the target's village.
let userCounter = 0;
Object.assign(h, {
  newUserName: () => `u${process.pid}${String(++userCounter).padStart(5, '0')}`,
  freshUser: async (target) => {
    const name = h.newUserName();
    if (target.household.startsWith('HNOSUCH')) return name;
    await asRoot('POST', '/api/v1/users', { username: name, role: 'viewer', region_code: target.village, password: PASSWORD }, 201);
    return name;
  },
});
// Cases at check need their notice (7 days for a removal) over: open them and take them to
// their notice on 2026-06-20 on a server of their own, then continue on a copy of its
// register (today 2026-06-30) and advance them to check.
const CHECK_VILLAGES = ['620422102201', '620422102201', '620422102201', '620422101205', '620422101205'];
async function casesAtCheck() {
  const ids = [];
  for (const village of CHECK_VILLAGES) {
    const id = await h.freshCase({ village, household: '' });
    for (let i = 0; i < 2; i++) await asRoot('POST', `/api/v1/cases/${id}/advance`, { comment: '办理' });
    ids.push([village, id]);
  }
  return ids;
}

before(async () => {
  srv = await startServer({ env: { FUPIN_NOW: '2026-06-20T10:00:00+08:00' } });
  const early = srv;
  const atNotice = await casesAtCheck();
  await early.stop();
  try {
    srv = await startServer({ db: early.db });
  } finally {
    await early.cleanup();
  }
  for (const [village, id] of atNotice) {
    assert.equal((await asRoot('POST', `/api/v1/cases/${id}/advance`, { comment: '公示无异议' })).step, 'check');
    (h.atCheck[village] ??= []).push(id);
  }
  // Findings inside and outside every scope (matrix.mjs DEATHS_CSV), loaded with the CLI.
  writeFileSync(path.join(srv.dir, 'deaths.csv'), DEATHS_CSV);
  const r = await srv.cli(['compare', 'deaths', path.join(srv.dir, 'deaths.csv'), '--as-of', '2026-06-30']);
  assert.equal(r.code, 0, `fupin compare: ${r.err}${r.out}`);
});
after(async () => { await srv?.cleanup(); });

async function perform(endpoint, user, target) {
  const req = await endpoint.build({ srv, user, target, h });
  const token = 'token' in req ? req.token : user ? await srv.token(user.name) : undefined;
  return api(srv, endpoint.method, fillPath(endpoint.path, req.params), {
    token, body: req.body, form: req.form, query: req.query,
  });
}

// Messages name what was asked for; compare them with the codes taken out.
const normalise = (message) => message.replace(/[A-Z]*[0-9]{4,}[0-9A-Z]*/g, '…');

describe('the table', () => {
  it('every role has a permission list and every account a scope', () => {
    for (const u of USERS) {
      assert.ok(PERMISSIONS[u.role], `no permissions for ${u.role}`);
      assert.ok(SCOPES[u.region], `no scope for ${u.region}`);
    }
    const roles = new Set(MATRIX_USERS.map((u) => u.role));
    for (const role of Object.keys(PERMISSIONS)) assert.ok(roles.has(role), `no account with role ${role}`);
  });

  it('every (method, path) of openapi.json is a row of ENDPOINTS, and every row is documented', () => {
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'src', 'api', 'openapi.json'), 'utf8'));
    const documented = new Set();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) {
        if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m)) documented.add(`${m.toUpperCase()} ${p}`);
      }
    }
    const table = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`));
    assert.equal(table.size, ENDPOINTS.length, 'a row appears twice');
    assert.deepEqual([...documented].filter((x) => !table.has(x)), [], 'documented but not in matrix.mjs');
    assert.deepEqual([...table].filter((x) => !documented.has(x)), [], 'in matrix.mjs but not documented');
  });
});

describe('authorisation matrix', () => {
  for (const user of [null, ...MATRIX_USERS]) {
    const scope = SCOPES[user ? user.region : '0'];
    describe(user ? `${user.role} ${user.name} (${user.region})` : 'no token', () => {
      for (const e of ENDPOINTS) {
        const places = e.scoped && user && scope.outside ? ['inside', 'outside'] : ['inside'];
        for (const where of places) {
          const [status, code] = expected(e, user, where);
          it(`${e.method} ${e.path} ${where} → ${status}${code ? ' ' + code : ''}`, async () => {
            const target = scope[where];
            const res = await perform(e, user, target);
            assert.equal(res.status, status,
              `${user?.name ?? 'anonymous'} ${e.method} ${e.path} ${where}: ${res.text.slice(0, 500)}`);
            if (code) {
              assert.equal(res.body.error.code, code, res.text.slice(0, 500));
            } else if (e.check) {
              e.check(res, { assert, user, target });
            }
            if (where === 'outside' && e.sameAsMissing && code !== 'E_FORBIDDEN') {
              const miss = await perform(e, user, scope.missing);
              assert.equal(miss.status, res.status, `outside and missing differ: ${res.text} / ${miss.text}`);
              assert.equal(miss.body?.error?.code, res.body?.error?.code, `outside and missing differ: ${res.text} / ${miss.text}`);
              assert.equal(normalise(miss.body.error.message), normalise(res.body.error.message),
                'outside and missing say different things');
            }
          });
        }
      }
    });
  }
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
