// User administration (admins): the accounts of my region.
import { request } from './client';

export const listUsers = () => request('GET', '/users');
export const addUser = (user) => request('POST', '/users', { body: user });
export const disableUser = (name) => request('POST', `/users/${encodeURIComponent(name)}/disable`);
export const setPassword = (name, password) => request('PUT', `/users/${encodeURIComponent(name)}/password`, { body: { password } });
