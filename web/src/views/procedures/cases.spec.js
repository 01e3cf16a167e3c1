import { describe, expect, it } from 'vitest';

import { actionsFor, daysUntil, fileSize, openEach, openingBody, refusal, returnTargets } from './cases';

const t = (key, args) => `${key} ${JSON.stringify(args)}`;
const exitAt = (step, level, extra = {}) => ({ kind: 'exit', state: 'open', step, level, notice: null, ...extra });

describe('who may do what on a case', () => {
  it('lets the village advance a village step but not return it', () => {
    const a = actionsFor('village_operator', exitAt('review', 'V'));
    expect(a).toMatchObject({ advance: true, reject: true, return: false, evidence: true });
  });

  it('lets the township check, return or reject, and nobody else at that step', () => {
    const c = exitAt('check', 'T');
    expect(actionsFor('township_operator', c)).toMatchObject({ advance: true, return: true, reject: true });
    expect(actionsFor('village_operator', c).advance).toBe(false);
    expect(actionsFor('county_admin', c).advance).toBe(false);
    expect(actionsFor('admin', c).advance).toBe(true);
  });

  it('lets any reader object during a notice, and nobody act on a closed case', () => {
    const notice = exitAt('notice', 'V', { notice: { start: '2026-06-10', closes_on: '2026-06-17' } });
    expect(actionsFor('viewer', notice)).toMatchObject({ object: true, advance: false });
    expect(actionsFor('village_operator', { ...notice, state: 'done' }).object).toBe(false);
  });

  it('sends a case back only to earlier steps', () => {
    expect(returnTargets(exitAt('check', 'T'))).toEqual(['propose', 'review', 'verify', 'consent', 'notice']);
    expect(returnTargets(exitAt('propose', 'V'))).toEqual([]);
  });
});

describe('a refusal in words', () => {
  it('lists every failing criterion of E_CONDITIONS', () => {
    const r = refusal({ code: 'E_CONDITIONS', message: '不符合条件', details: [
      { criterion: 'income', message: '收入低于标准' }, { criterion: 'housing', message: '住房不安全' }] }, t);
    expect(r).toEqual({ message: '不符合条件', lines: ['收入低于标准', '住房不安全'] });
  });

  it('gives the first day a notice may close for E_NOTICE_OPEN', () => {
    const r = refusal({ code: 'E_NOTICE_OPEN', message: '公示期未满', details: [{ closes_on: '2026-06-17' }] }, t);
    expect(r.lines).toEqual(['procedures.closesOnLine {"date":"2026-06-17"}']);
  });

  it('keeps the message alone for other refusals', () => {
    expect(refusal({ code: 'E_SEPARATION', message: '不得审批自己提出的办件', details: [] }, t).lines).toEqual([]);
  });
});

describe('dates and sizes', () => {
  it('counts the days to a notice\'s close', () => {
    expect(daysUntil('2026-06-10', '2026-06-17')).toBe(7);
    expect(daysUntil('2026-06-18', '2026-06-17')).toBe(-1);
    expect(daysUntil('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('writes sizes for people', () => {
    expect([fileSize(532), fileSize(12700), fileSize(3250000)]).toEqual(['532 B', '12.4 KB', '3.1 MB']);
  });
});

describe('opening cases', () => {
  it('sends only what the kind needs', () => {
    const form = { kind: 'exit', year: 2020, reason: '07', finding: 3, comment: ' 达标 ' };
    expect(openingBody(form, 'H1')).toEqual({ kind: 'exit', household_code: 'H1', year: 2020, comment: '达标' });
    expect(openingBody({ ...form, kind: 'remove' }, 'H1')).toEqual({ kind: 'remove', household_code: 'H1', reason: '07', finding: 3, comment: '达标' });
  });

  it('uses each household\'s suggested monitoring type where the form leaves it blank', () => {
    const form = { kind: 'monitor', type: null, risk_types: [], source: 'assessment' };
    expect(openingBody(form, 'H1', { type: 2, risk_types: ['01'] })).toMatchObject({ type: 2, risk_types: ['01'], source: 'assessment' });
    expect(openingBody({ ...form, type: 3 }, 'H1', { type: 2 }).type).toBe(3);
  });

  it('reports per household what was opened and what was refused, and why', async () => {
    const open = async (b) => {
      if (b.household_code === 'H2') throw Object.assign(new Error('不符合退出条件'), { code: 'E_CONDITIONS', details: [{ criterion: 'housing', message: '住房不安全' }] });
      return { id: 41 };
    };
    const out = await openEach(['H1', 'H2'], (h) => ({ household_code: h }), open, t);
    expect(out).toEqual([
      { household: 'H1', ok: true, id: 41 },
      { household: 'H2', ok: false, message: '不符合退出条件', lines: ['住房不安全'] },
    ]);
  });
});
