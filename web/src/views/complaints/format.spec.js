import { describe, expect, it } from 'vitest';

import { beijingTime, complaintRefusal, timelinessChart } from './format';

const t = (key) => key;

describe('the complaints screen reads the API', () => {
  it('shows a UTC timestamp at Beijing time, and anything else as it is', () => {
    expect(beijingTime('2026-06-30T01:00:00Z')).toBe('2026-06-30 09:00');
    expect(beijingTime('2026-06-30T16:30:00Z')).toBe('2026-07-01 00:30');
    expect(beijingTime('2026-06-30T09:00:00+08:00')).toBe('2026-06-30 09:00');
    expect(beijingTime(null)).toBe('');
    expect(beijingTime('soon')).toBe('soon');
  });
  it('explains E_COMPLAINT_STATE and leaves the codes it does not know to the API\'s message', () => {
    expect(complaintRefusal(t, { code: 'E_COMPLAINT_STATE', message: 'm' })).toEqual({ code: 'E_COMPLAINT_STATE', message: 'm', hint: 'complaints.hints.E_COMPLAINT_STATE' });
    expect(complaintRefusal(t, { code: 'E_FORMAT', message: 'm' }).hint).toBe('');
  });
  it('stacks on time, late, overdue and open by region in the chart', () => {
    const chart = timelinessChart(t, [{ region: 'a', answered_on_time: 1, answered_late: 2, open_overdue: 3, open: 4 }], (r) => r.region);
    expect(chart.yAxis.data).toEqual(['a']);
    expect(chart.series.map((s) => [s.name, s.data[0]])).toEqual([
      ['complaints.onTime', 1], ['complaints.late', 2], ['complaints.openOverdue', 3], ['complaints.open', 4]]);
  });
});
