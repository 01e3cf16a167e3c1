import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { configureClient } from '@/api/client';
import { useSessionStore } from './session';

function answer(status, body) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

describe('the session store', () => {
  beforeEach(() => {
    sessionStorage.clear();
    setActivePinia(createPinia());
    configureClient({ token: () => useSessionStore().token });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps the account, its region\'s name and the token after signing in, and survives a reload', async () => {
    vi.stubGlobal('fetch', vi.fn((url) => (String(url).endsWith('/session')
      ? answer(201, { data: { token: 't1', user: { username: 'cun', role: 'village_operator', region_code: '620422102201' } } })
      : answer(200, { data: { code: '620422102201', name: '乙村' } }))));
    const session = useSessionStore();
    await session.signIn('cun', 'pw');
    expect([session.signedIn, session.role, session.region, session.regionName]).toEqual([true, 'village_operator', '620422102201', '乙村']);
    expect(session.may('cases')).toBe(true);
    expect(session.may('import')).toBe(false);
    setActivePinia(createPinia());
    expect(useSessionStore().token).toBe('t1');
  });

  it('gives a national account no region name of its own, so that the layout says 全国 or Nation in the user\'s language', async () => {
    const fetch = vi.fn(() => answer(201, { data: { token: 't2', user: { username: 'admin', role: 'admin', region_code: '0' } } }));
    vi.stubGlobal('fetch', fetch);
    const session = useSessionStore();
    await session.signIn('admin', 'pw');
    expect([session.signedIn, session.regionName]).toEqual([true, '']);
    expect(fetch).toHaveBeenCalledTimes(1); // no region lookup for the nation
  });

  it('forgets everything when the session expires, and says so', () => {
    sessionStorage.setItem('fupin.session', JSON.stringify({ token: 't', user: { username: 'x', role: 'viewer', region_code: '0' } }));
    const session = useSessionStore();
    session.clear(true);
    expect([session.signedIn, session.expired, sessionStorage.getItem('fupin.session')]).toEqual([false, true, null]);
  });

  it('signs out even when the server has forgotten the session', async () => {
    vi.stubGlobal('fetch', vi.fn(() => answer(401, { error: { code: 'E_AUTH', message: 'x', details: [] } })));
    sessionStorage.setItem('fupin.session', JSON.stringify({ token: 't', user: { username: 'x', role: 'viewer', region_code: '0' } }));
    const session = useSessionStore();
    await session.signOut();
    expect(session.signedIn).toBe(false);
  });
});
