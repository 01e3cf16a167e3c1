import { describe, expect, it } from 'vitest';

import { codeOf, fieldOf, issuesByField, labelOf } from './codes';

describe('the register codes', () => {
  it('labels a code however the API spells it', () => {
    expect(labelOf('poverty_status', 0)).toBe('未脱贫');
    expect(labelOf('main_cause', '09')).toBe('缺资金');
    expect(labelOf('main_cause', 9)).toBe('缺资金');
    expect(labelOf('relation', '户主')).toBe('户主');
    expect(codeOf('relation', 1)).toBe('01');
  });

  it('places an issue on its field, whether the column is Chinese or a key', () => {
    expect(fieldOf('工资性收入')).toBe('household.wage_income');
    expect(fieldOf('wage_income')).toBe('household.wage_income');
    expect(fieldOf('members[1].证件号码')).toBe('members.1.id_number');
    expect(fieldOf('members[0].name')).toBe('members.0.name');
    expect(fieldOf('something else')).toBe('');
  });

  it('groups the messages by field and keeps the unplaced ones for the record', () => {
    const grouped = issuesByField([
      { column: '工资性收入', message: 'a' }, { column: 'wage_income', message: 'b' }, { column: '', message: 'c' },
    ]);
    expect(grouped).toEqual({ 'household.wage_income': ['a', 'b'], record: ['c'] });
  });
});
