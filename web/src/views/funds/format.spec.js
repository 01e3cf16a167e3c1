import { describe, expect, it } from 'vitest';

import { percent, refusal } from './format';

describe('the figures of the funds ledger', () => {
  it('shows a ratio of four decimals as a percentage with two, without rounding', () => {
    expect(percent('0.8900')).toBe('89.00%');
    expect(percent('0.8999')).toBe('89.99%');
    expect(percent('1.0000')).toBe('100.00%');
    expect(percent('0.0000')).toBe('0.00%');
  });
  it('shows the policy ratio as it is written', () => {
    expect(percent('0.9')).toBe('90%');
    expect(percent('0.875')).toBe('87.5%');
    expect(percent('1')).toBe('100%');
  });
  it('leaves text that is not a ratio as it came', () => {
    expect(percent('n/a')).toBe('n/a');
  });
});

describe('a refusal of the API', () => {
  const t = (key) => `<${key}>`;
  it('keeps the code and message and explains an over-allocation', () => {
    expect(refusal(t, { code: 'E_OVER_FUND', message: '分配金额 600.00 元超过…' }))
      .toEqual({ code: 'E_OVER_FUND', message: '分配金额 600.00 元超过…', hint: '<funds.hints.E_OVER_FUND>' });
  });
  it('gives no hint for a code without one', () => {
    expect(refusal(t, { code: 'E_USAGE', message: 'm' }).hint).toBe('');
  });
});
