import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError, configureClient, request } from './client';

function answer(status, body, type = 'application/json') {
  return Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body),
    { status, headers: { 'content-type': type } }));
}

describe('the request client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the token and the language and unwraps the data', async () => {
    const fetch = vi.fn(() => answer(200, { data: { households: 3 } }));
    vi.stubGlobal('fetch', fetch);
    configureClient({ token: () => 'abc', lang: () => 'en' });
    const data = await request('GET', '/regions/620422/summary', { query: { year: 2026, empty: '' } });
    expect(data).toEqual({ households: 3 });
    const [url, init] = fetch.mock.calls[0];
    expect(String(url)).toMatch(/\/api\/v1\/regions\/620422\/summary\?year=2026$/);
    expect(init.headers.Authorization).toBe('Bearer abc');
    expect(init.headers['Accept-Language']).toBe('en');
  });

  it('turns an error envelope into an ApiError with the API\'s code, message and details', async () => {
    vi.stubGlobal('fetch', vi.fn(() => answer(422, {
      error: { code: 'E_CONDITIONS', message: '不符合条件', details: [{ criterion: 'income', message: '收入不足' }] },
    })));
    const e = await request('POST', '/cases', { body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message]).toEqual([422, 'E_CONDITIONS', '不符合条件']);
    expect(e.details[0].criterion).toBe('income');
  });

  it('sends an expired session back to sign-in, once per answer', async () => {
    const onUnauthorized = vi.fn();
    configureClient({ onUnauthorized });
    vi.stubGlobal('fetch', vi.fn(() => answer(401, { error: { code: 'E_AUTH', message: '请重新登录', details: [] } })));
    await expect(request('GET', '/me')).rejects.toMatchObject({ code: 'E_AUTH' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not treat a refused sign-in as an expired session', async () => {
    const onUnauthorized = vi.fn();
    configureClient({ onUnauthorized });
    vi.stubGlobal('fetch', vi.fn(() => answer(401, { error: { code: 'E_AUTH', message: '用户名或密码错误', details: [] } })));
    await expect(request('POST', '/session', { body: {} })).rejects.toMatchObject({ code: 'E_AUTH' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('says so in words when the server cannot be reached', async () => {
    configureClient({ lang: () => 'zh-CN' });
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('failed'))));
    await expect(request('GET', '/me')).rejects.toMatchObject({ code: 'E_NETWORK', message: '无法连接服务器，请检查网络' });
  });
});
