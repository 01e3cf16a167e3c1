// The household search, hostile filter values, and the read-only reports (summary and
// assessments) against the CLI's JSON for the same data. This file writes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';
import { EXTRA_ID } from './matrix.mjs';

// The base register (tests/data/import/README.md), by code order.
const A = 'H2210120500001'; // 620422101205 建档立卡 未脱贫 低保户 因灾, 2 members, 4000.00
const B = 'H2210220100000'; // 620422102201 普通农户, 4 members, 5999.99
const C = 'H2210220100002'; // 620422102201 建档立卡 未脱贫 一般户 其他, 3 members, 23545.48
const D = 'H2210220200003'; // 620422102202 建档立卡 已脱贫 因学, 监测中, 2 members, 4850.00
const X = 'H3000000000001'; // 620423100201, outside the county 620422

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

async function search(query, user = 'county_admin1') {
  const res = await api(srv, 'GET', '/api/v1/households', { token: await srv.token(user), query });
  assert.equal(res.status, 200, `${JSON.stringify(query)}: ${res.text.slice(0, 400)}`);
  assert.equal(typeof res.body.data.total, 'number');
  assert.ok(Array.isArray(res.body.data.items));
  return res.body.data;
}
const codes = (page) => page.items.map((i) => i.household_code);

describe('household search', () => {
  it('without filters: the caller\'s region, by household code', async () => {
    const page = await search({});
    assert.equal(page.total, 4);
    assert.deepEqual(codes(page), [A, B, C, D]);
    for (const item of page.items) assert.equal(item.members, undefined, 'the list carries no members');
    const all = await search({}, 'root');
    assert.equal(all.total, 5);
    assert.deepEqual(codes(all), [A, B, C, D, X]);
  });

  it('the fixture figures come out as expected', async () => {
    const page = await search({});
    const byCode = Object.fromEntries(page.items.map((i) => [i.household_code, i]));
    assert.equal(byCode[A].per_capita_income, '4000.00');
    assert.equal(byCode[B].per_capita_income, '5999.99');
    assert.equal(byCode[C].per_capita_income, '23545.48');
    assert.equal(byCode[D].per_capita_income, '4850.00');
    assert.deepEqual(page.items.map((i) => i.size), [2, 4, 3, 2]);
    assert.ok(page.items.every((i) => i.version === 1));
  });

  const cases = [
    ['status by label', { status: '未脱贫' }, [A, C]],
    ['status by code', { status: '0' }, [A, C]],
    ['status 已脱贫', { status: '1' }, [D]],
    ['kind', { kind: '普通农户' }, [B]],
    ['kind by code', { kind: '2' }, [B]],
    ['attribute', { attribute: '低保户' }, [A]],
    ['main_cause by code', { main_cause: '04' }, [A]],
    ['main_cause by code without the zero', { main_cause: '4' }, [A]],
    ['main_cause by label', { main_cause: '因灾' }, [A]],
    ['main_cause 因学', { main_cause: '因学' }, [D]],
    ['main_cause 其他', { main_cause: '99' }, [C]],
    ['monitor_type', { monitor_type: '脱贫不稳定户' }, [D]],
    ['monitor_status', { monitor_status: '监测中' }, [D]],
    ['income range, inclusive', { income_min: '4000', income_max: '5000' }, [A, D]],
    ['income_min above a value', { income_min: '4000.01' }, [B, C, D]],
    ['income_max exact', { income_max: '4000.00' }, [A]],
    ['income_min exact', { income_min: '23545.48' }, [C]],
    ['name, part', { name: '成员2' }, [C]],
    ['name, whole', { name: '成员0_3' }, [B]],
    ['name with _ taken literally', { name: '0_0' }, [B]],
    ['name: _ is no wildcard', { name: '员_' }, []],
    ['name: % is no wildcard', { name: '%' }, []],
    ['name outside the scope', { name: '外县户主' }, []],
    ['id_number exact', { id_number: '620422194308032169' }, [C]],
    ['id_number: a part finds nothing', { id_number: '6204221943' }, []],
    ['id_number outside the scope', { id_number: EXTRA_ID }, []],
    ['a village', { region: '620422102201' }, [B, C]],
    ['a township', { region: '620422102' }, [B, C, D]],
    ['filters combine', { status: '未脱贫', main_cause: '因灾' }, [A]],
    ['filters combine to nothing', { status: '已脱贫', kind: '普通农户' }, []],
  ];
  for (const [what, query, expected] of cases) {
    it(`${what}: ${JSON.stringify(query)}`, async () => {
      const page = await search(query);
      assert.deepEqual(codes(page), expected);
      assert.equal(page.total, expected.length);
    });
  }

  it('root finds the other county\'s household by name and ID number', async () => {
    assert.deepEqual(codes(await search({ name: '外县户主' }, 'root')), [X]);
    assert.deepEqual(codes(await search({ id_number: EXTRA_ID }, 'root')), [X]);
  });

  it('paging: total counts every match, items the page', async () => {
    const p2 = await search({ size: 1, page: 2 });
    assert.equal(p2.total, 4);
    assert.deepEqual(codes(p2), [B]);
    const p22 = await search({ size: 2, page: 2 });
    assert.deepEqual(codes(p22), [C, D]);
    assert.equal(p22.total, 4);
    const past = await search({ size: 2, page: 3 });
    assert.equal(past.total, 4);
    assert.deepEqual(codes(past), []);
    const filtered = await search({ status: '未脱贫', size: 1, page: 2 });
    assert.equal(filtered.total, 2);
    assert.deepEqual(codes(filtered), [C]);
  });

  it('sort and order', async () => {
    assert.deepEqual(codes(await search({ sort: 'household_code', order: 'desc' })), [D, C, B, A]);
    assert.deepEqual(codes(await search({ sort: 'per_capita_income' })), [A, D, B, C]);
    assert.deepEqual(codes(await search({ sort: 'per_capita_income', order: 'desc' })), [C, B, D, A]);
    const bySize = (await search({ sort: 'size' })).items.map((i) => i.size);
    assert.deepEqual(bySize, [...bySize].sort((a, b) => a - b));
    assert.equal(bySize.at(-1), 4);
    const bySizeDesc = (await search({ sort: 'size', order: 'desc' })).items;
    assert.equal(bySizeDesc[0].household_code, B);
    const byVillage = (await search({ sort: 'village_code', order: 'desc' })).items.map((i) => i.village_code);
    assert.deepEqual(byVillage, [...byVillage].sort().reverse());
    assert.deepEqual(codes(await search({ sort: 'per_capita_income', order: 'desc', size: 2, page: 2 })), [D, A]);
  });

  it('bad values: 400 with the code of the problem', async () => {
    const token = await srv.token('county_admin1');
    const bad = [
      [{ status: 'nonsense' }, 'E_CODE'],
      [{ main_cause: '13' }, 'E_CODE'],
      [{ income_min: 'abc' }, 'E_NUMBER'],
      [{ income_max: '1.234' }, 'E_NUMBER'],
      [{ page: '0' }, 'E_NUMBER'],
      [{ size: '501' }, 'E_NUMBER'],
      [{ size: '-1' }, 'E_NUMBER'],
      [{ sort: 'name' }, 'E_USAGE'],
    ];
    for (const [query, code] of bad) {
      expectError(await api(srv, 'GET', '/api/v1/households', { token, query }), 400, code, JSON.stringify(query));
    }
    expectError(await api(srv, 'GET', '/api/v1/households', { token, query: { region: 'abc' } }), 404, 'E_NOT_FOUND');
  });
});

describe('hostile filter values', () => {
  const FILTERS = ['region', 'kind', 'status', 'attribute', 'main_cause', 'monitor_type', 'monitor_status',
    'income_min', 'income_max', 'name', 'id_number', 'sort', 'order', 'page', 'size'];
  const VALUES = ["' OR 1=1 --", '%', '_', '"; DROP TABLE households;', 'a'.repeat(10000)];
  // The normal answer for each filter: coded filters refuse the value, free-text filters
  // find nothing ('_' is a character of every base member's name), order ignores it.
  const expect = (filter, value) => {
    if (['kind', 'status', 'attribute', 'main_cause', 'monitor_type', 'monitor_status'].includes(filter)) return [400, 'E_CODE'];
    if (['income_min', 'income_max', 'page', 'size'].includes(filter)) return [400, 'E_NUMBER'];
    if (filter === 'sort') return [400, 'E_USAGE'];
    if (filter === 'region') return [404, 'E_NOT_FOUND'];
    if (filter === 'order') return [200, 4];
    if (filter === 'name' && value === '_') return [200, 4];
    return [200, 0];
  };
  for (const filter of FILTERS) {
    it(`${filter}: SQL meta-characters and a 10,000-character string give a normal answer`, async () => {
      const token = await srv.token('county_admin1');
      for (const value of VALUES) {
        const res = await api(srv, 'GET', '/api/v1/households', { token, query: { [filter]: value } });
        const [status, what] = expect(filter, value);
        const label = `${filter}=${JSON.stringify(value.slice(0, 30))}${value.length > 30 ? '…' : ''}`;
        assert.ok(res.status < 500, `${label}: ${res.status} ${res.text.slice(0, 300)}`);
        assert.equal(res.status, status, `${label}: ${res.text.slice(0, 300)}`);
        if (status === 200) assert.equal(res.body.data.total, what, `${label}: total`);
        else assert.equal(res.body.error.code, what, label);
      }
    });
  }

  it('a malformed percent-encoding in the query: 400 with the envelope, not a dropped connection', async () => {
    const token = await srv.token('county_admin1');
    for (const p of ['/api/v1/households?name=%FF', '/api/v1/households?name=%ZZ', '/api/v1/households?name=%E4%B8',
      '/api/v1/health?lang=%ZZ']) {
      let res;
      try {
        res = await api(srv, 'GET', p, { token });
      } catch (e) {
        assert.fail(`${p}: no answer (${e.cause?.code ?? e.message})`);
      }
      expectError(res, 400, null, p);
    }
  });

  it('the register is intact afterwards', async () => {
    assert.equal((await search({})).total, 4);
    assert.equal((await search({}, 'root')).total, 5);
  });

  it('hostile household codes and region codes in the path: 404, never 500', async () => {
    const token = await srv.token('county_admin1');
    for (const value of ["' OR 1=1 --", '%', '_', '"; DROP TABLE households;', 'a'.repeat(10000)]) {
      for (const p of [`/api/v1/households/${encodeURIComponent(value)}`, `/api/v1/regions/${encodeURIComponent(value)}`,
        `/api/v1/regions/${encodeURIComponent(value)}/summary`]) {
        const res = await api(srv, 'GET', p, { token });
        assert.equal(res.status, 404, `${p.slice(0, 60)}: ${res.text.slice(0, 200)}`);
      }
    }
    const res = await api(srv, 'POST', '/api/v1/session', { body: { username: "' OR 1=1 --", password: "' OR '1'='1" } });
    expectError(res, 401, 'E_AUTH');
  });
});

describe('reports equal the CLI', () => {
  async function cliJson(args) {
    const r = await srv.cli([...args, '--json']);
    assert.equal(r.code, 0, `fupin ${args.join(' ')}: ${r.err}`);
    return JSON.parse(r.out);
  }

  for (const region of ['620422', '620422102', '620422102201']) {
    it(`GET /regions/${region}/summary equals fupin report summary --region ${region} --json`, async () => {
      const res = await api(srv, 'GET', `/api/v1/regions/${region}/summary`, { token: await srv.token('county_admin1'), query: { year: 2025 } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, await cliJson(['report', 'summary', '--region', region, '--year', '2025']));
    });
  }

  it('the nation\'s summary (root, code 0) equals fupin report summary --json', async () => {
    const res = await api(srv, 'GET', '/api/v1/regions/0/summary', { token: await srv.token('root') });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, await cliJson(['report', 'summary']));
    assert.equal(res.body.data.households, 5);
  });

  // Years with a line: the monitoring line starts in 2021.
  const assessments = [
    ['exit', ['assess', 'exit'], undefined, [2020, 2025]],
    ['monitor', ['assess', 'monitor'], undefined, [2021, 2025]],
    ['regions', ['assess', 'regions', '--level', 'village'], { level: 'village' }, [2020, 2025]],
    ['regions', ['assess', 'regions', '--level', 'county'], { level: 'county' }, [2020, 2025]],
  ];
  for (const [kind, args, extra, years] of assessments) {
    for (const year of years) {
      it(`GET /assessments/${kind} ${JSON.stringify(extra ?? {})} year ${year} equals fupin ${args.join(' ')} --json`, async () => {
        const token = await srv.token('county_admin1');
        const res = await api(srv, 'GET', `/api/v1/assessments/${kind}`, { token, query: { year, region: '620422', ...extra } });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.data, await cliJson([...args, '--year', String(year), '--region', '620422']));
        // Without region: the caller's own region.
        const own = await api(srv, 'GET', `/api/v1/assessments/${kind}`, { token, query: { year, ...extra } });
        assert.deepEqual(own.body.data, res.body.data);
      });
    }
  }

  it('the exit assessment lists the county\'s 未脱贫 households', async () => {
    const res = await api(srv, 'GET', '/api/v1/assessments/exit', { token: await srv.token('county_admin1'), query: { year: 2025 } });
    assert.deepEqual(res.body.data.map((r) => r.household_code).sort(), [A, C]);
    for (const r of res.body.data) {
      assert.deepEqual(Object.keys(r).filter((k) => k !== 'warnings').sort(),
        ['failed', 'household_code', 'meets', 'per_capita_income', 'village_code']);
    }
  });

  it('a year without a policy line: 400 with the CLI\'s code, where the CLI exits 2 printing nothing', async () => {
    const res = await api(srv, 'GET', '/api/v1/assessments/monitor', { token: await srv.token('county_admin1'), query: { year: 2020 } });
    expectError(res, 400, 'E_POLICY_YEAR');
    const cli = await srv.cli(['assess', 'monitor', '--year', '2020', '--region', '620422', '--json']);
    assert.equal(cli.code, 2);
    assert.equal(cli.out, '');
  });

  it('assessment parameters: year required, level village or county', async () => {
    const token = await srv.token('county_admin1');
    expectError(await api(srv, 'GET', '/api/v1/assessments/exit', { token }), 400, 'E_YEAR');
    expectError(await api(srv, 'GET', '/api/v1/assessments/monitor', { token, query: { year: '20x5' } }), 400, 'E_YEAR');
    expectError(await api(srv, 'GET', '/api/v1/assessments/regions', { token, query: { year: 2025, level: 'township' } }), 400, 'E_USAGE');
    expectError(await api(srv, 'GET', '/api/v1/assessments/exit', { token, query: { year: 2025, region: '620423' } }), 404, 'E_NOT_FOUND');
  });
});

describe('a helper (帮扶责任人) reads the households assigned to it, no others', () => {
  it('its search lists only H2210220100002; the other household of its village answers 404', async () => {
    const token = await srv.token('helper1');
    const res = await api(srv, 'GET', '/api/v1/households', { token, query: { size: 50 } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data.items.map((h) => h.household_code), ['H2210220100002']);
    assert.equal(res.body.data.total, 1);
    assert.equal((await api(srv, 'GET', '/api/v1/households/H2210220100002', { token })).status, 200);
    // Same village, not assigned: exactly as a household that does not exist.
    const other = await api(srv, 'GET', '/api/v1/households/H2210220100000', { token });
    const missing = await api(srv, 'GET', '/api/v1/households/HNOSUCH0000001', { token });
    expectError(other, 404, 'E_NOT_FOUND');
    assert.equal(other.body.error.message.replace('H2210220100000', 'X'), missing.body.error.message.replace('HNOSUCH0000001', 'X'));
    // Its assessment lists keep its households only.
    for (const [kind, year] of [['exit', 2020], ['monitor', 2024]]) {
      const a = await api(srv, 'GET', `/api/v1/assessments/${kind}`, { token, query: { year } });
      assert.equal(a.status, 200, a.text);
      assert.ok(a.body.data.every((r) => r.household_code === 'H2210220100002'), `${kind}: ${a.text}`);
    }
    // … while H2210220100000 of the same village is a monitoring candidate for its operator.
    const all = await api(srv, 'GET', '/api/v1/assessments/monitor', { token: await srv.token('village_op1'), query: { year: 2021 } });
    assert.deepEqual(all.body.data.map((r) => r.household_code), ['H2210220100000']);
    const mine = await api(srv, 'GET', '/api/v1/assessments/monitor', { token, query: { year: 2021 } });
    assert.deepEqual(mine.body.data, []);
    // The village operator of the same village sees both.
    const op = await api(srv, 'GET', '/api/v1/households', { token: await srv.token('village_op1'), query: { size: 50 } });
    assert.deepEqual(op.body.data.items.map((h) => h.household_code).sort(), ['H2210220100000', 'H2210220100002']);
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
