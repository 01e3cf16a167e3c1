import { describe, expect, it } from 'vitest';

import { statusText } from './status';

const t = (key) => ({ 'care.statuses.0': '未脱贫', 'care.statuses.3': '返贫' }[key] ?? key);

describe('a household\'s poverty status in words', () => {
  it('names the code of codes.md', () => {
    expect(statusText(t, { poverty_status: 0 })).toBe('未脱贫');
    expect(statusText(t, { poverty_status: '3' })).toBe('返贫');
  });
  it('falls back to the household kind when there is no status', () => {
    expect(statusText(t, { poverty_status: null, household_kind: '监测户' })).toBe('监测户');
  });
});
