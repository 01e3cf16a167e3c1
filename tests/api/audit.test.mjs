// The audit trail through GET /api/v1/audit is scoped by region (issue 9, fault 7): an
// auditor reads the records about its own subtree only — not the reads, exports and
// logins (with their client addresses) of another county or of the nation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api } from './server.mjs';

let srv;
const OUTSIDE = 'H3000000000001'; // in 620423100201, outside auditor1's county 620422
const INSIDE = 'H2210220100002';  // in 620422102201

async function trail(user, query = {}) {
  const res = await api(srv, 'GET', '/api/v1/audit', { token: await srv.token(user), query: { size: 100, ...query } });
  assert.equal(res.status, 200, `GET /audit as ${user}: ${res.text}`);
  return res.body.data.items;
}

before(async () => {
  srv = await startServer();
  for (const code of [OUTSIDE, INSIDE]) {
    const res = await api(srv, 'GET', `/api/v1/households/${code}`, { token: await srv.token('root') });
    assert.equal(res.status, 200, `read ${code}: ${res.text}`);
  }
});
after(async () => { await srv?.cleanup(); });

describe('GET /api/v1/audit is scoped by region', () => {
  it("an auditor of 620422 reads the unmasked reads of its county, not another county's", async () => {
    const reads = await trail('auditor1', { action: 'person.read' });
    assert.ok(reads.some((r) => r.target === INSIDE), 'the read of a household of 620422 is listed');
    assert.ok(!reads.some((r) => r.target === OUTSIDE), `the read of ${OUTSIDE} (620423) is not`);
  });

  it('an auditor of 620422 does not see the logins of a national admin, nor their addresses', async () => {
    const records = await trail('auditor1', { actor: 'root' });
    assert.ok(!records.some((r) => r.action.startsWith('login')), JSON.stringify(records));
  });

  it('an admin of the nation reads every record', async () => {
    const reads = await trail('root', { action: 'person.read' });
    assert.ok(reads.some((r) => r.target === OUTSIDE));
    assert.ok(reads.some((r) => r.target === INSIDE));
  });
});
