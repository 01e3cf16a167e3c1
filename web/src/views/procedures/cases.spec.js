import { describe, expect, it } from 'vitest';

import { actionsFor, daysUntil, fileSize, refusal, returnTargets } from './cases';

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
