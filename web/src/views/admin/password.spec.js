import { describe, expect, it } from 'vitest';

import { passwordProblems } from './password';

describe('the password rules shown on the user form', () => {
  it('accept ten characters with a letter and a digit', () => {
    expect(passwordProblems('zhang', 'Abcdefgh12')).toEqual([]);
  });
  it('count characters, not bytes', () => {
    expect(passwordProblems('zhang', '密码密码密码密码a1')).toEqual([]);
    expect(passwordProblems('zhang', '密码a1')).toEqual(['admin.rules.length']);
  });
  it('want both an ASCII letter and an ASCII digit', () => {
    expect(passwordProblems('zhang', 'abcdefghijk')).toEqual(['admin.rules.mix']);
    expect(passwordProblems('zhang', '12345678901')).toEqual(['admin.rules.mix']);
  });
  it('refuse the user name, whatever its case', () => {
    expect(passwordProblems('Zhang12345', 'zhang12345')).toEqual(['admin.rules.name']);
  });
});
