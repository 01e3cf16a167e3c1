import { describe, expect, it } from 'vitest';

import { actionsFor, loanRefusal, refusalTitle } from './format';

const t = (key, values) => (values ? `<${key} ${JSON.stringify(values)}>` : `<${key}>`);

describe('a refusal of the microcredit API', () => {
  it('keeps the code, the message, every failing criterion and explains the code', () => {
    const e = { code: 'E_CONDITIONS', message: '不符合条件', details: [{ criterion: 'extension_months', message: '展期 13 个月…' }, { field: 'x' }] };
    expect(loanRefusal(t, e)).toEqual({
      code: 'E_CONDITIONS', message: '不符合条件', hint: '<loans.hints.E_CONDITIONS>',
      criteria: [{ criterion: 'extension_months', message: '展期 13 个月…' }],
    });
  });
  it('explains E_STATE and E_OVERDUE_DAYS, and gives no hint for a code without one', () => {
    expect(loanRefusal(t, { code: 'E_STATE', message: 'm' }).hint).toBe('<loans.hints.E_STATE>');
    expect(loanRefusal(t, { code: 'E_OVERDUE_DAYS', message: 'm' }).hint).toBe('<loans.hints.E_OVERDUE_DAYS>');
    expect(loanRefusal(t, { code: 'E_BUSY', message: 'm' }).hint).toBe('');
  });
  it('titles a coded refusal with its code and an incomplete form with its message alone', () => {
    expect(refusalTitle(t, { code: 'E_STATE', message: 'm' })).toBe('<loans.refused {"code":"E_STATE","message":"m"}>');
    expect(refusalTitle(t, { code: '', message: 'fill it in' })).toBe('fill it in');
  });
});

describe('the actions a loan allows', () => {
  it('repays, renews and extends a running loan, extends it once only', () => {
    expect(actionsFor({ state: 'active', extended_months: 0 })).toEqual({ repay: true, renew: true, extend: true });
    expect(actionsFor({ state: 'overdue', extended_months: 0 })).toEqual({ repay: true, renew: true, extend: true });
    expect(actionsFor({ state: 'active', extended_months: 6 })).toEqual({ repay: true, renew: true, extend: false });
  });
  it('allows nothing on a loan that has ended', () => {
    for (const state of ['repaid', 'renewed', 'compensated']) {
      expect(actionsFor({ state })).toEqual({ repay: false, renew: false, extend: false });
    }
  });
});
