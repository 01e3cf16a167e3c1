// Who is signed in: the token, the account (name, role, region) and its region's name. Kept
// in sessionStorage (the nation's name is '': the layout says 全国/Nation in the user's language) so that a reload keeps the session and closing the tab ends it.
import { defineStore } from 'pinia';

import * as api from '@/api/session';
import { getRegion } from '@/api/regions';
import { may } from '@/permissions';

const KEY = 'fupin.session';

export const useSessionStore = defineStore('session', {
  state: () => {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return { token: saved?.token ?? '', user: saved?.user ?? null, regionName: saved?.regionName ?? '', expired: false };
  },
  getters: {
    signedIn: (s) => Boolean(s.token && s.user),
    role: (s) => s.user?.role ?? '',
    region: (s) => s.user?.region_code ?? '',
  },
  actions: {
    may(permission) { return may(this.role, permission); },
    save() {
      sessionStorage.setItem(KEY, JSON.stringify({ token: this.token, user: this.user, regionName: this.regionName }));
    },
    async signIn(username, password) {
      const session = await api.login(username, password);
      this.token = session.token;
      this.user = session.user ?? (await api.me());
      this.expired = false;
      try {
        this.regionName = this.user.region_code === '0' ? '' : (await getRegion(this.user.region_code)).name;
      } catch {
        this.regionName = this.user.region_code;
      }
      this.save();
    },
    async signOut() {
      try { if (this.token) await api.logout(); } catch { /* the session may be gone already */ }
      this.clear();
    },
    // The server said 401: the session ended (expired, or signed out elsewhere).
    clear(expired = false) {
      this.token = '';
      this.user = null;
      this.regionName = '';
      this.expired = expired;
      sessionStorage.removeItem(KEY);
    },
  },
});
