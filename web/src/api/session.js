import { request } from './client';

export const login = (username, password) => request('POST', '/session', { body: { username, password } });
export const logout = () => request('DELETE', '/session');
export const me = () => request('GET', '/me');
