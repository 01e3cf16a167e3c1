import { describe, expect, it } from 'vitest';

import { auditRange, chinaTime } from './range';

describe('the audit trail\'s time filter', () => {
  it('starts a range at midnight in China, which is 16:00 UTC the day before', () => {
    expect(auditRange('2026-06-30', '')).toEqual({ since: '2026-06-29T16:00:00Z' });
  });
  it('ends a range at the start of the day after its last day', () => {
    expect(auditRange('2026-06-01', '2026-06-30')).toEqual({ since: '2026-05-31T16:00:00Z', until: '2026-06-30T16:00:00Z' });
  });
  it('asks for nothing without dates', () => {
    expect(auditRange('', '')).toEqual({});
  });
  it('shows an instant of the trail in China\'s time', () => {
    expect(chinaTime('2026-06-30T01:00:05Z')).toBe('2026-06-30 09:00:05');
    expect(chinaTime('garbage')).toBe('garbage');
  });
});
