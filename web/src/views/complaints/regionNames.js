// The names of the regions a screen shows by code (a complaint's region, a row of the
// statistics), asked of the API once each and kept for the session; a code whose name
// cannot be read shows as the code.
import { reactive } from 'vue';

import { getRegion } from '@/api/regions';

const names = reactive({});
const asked = new Set();

export function regionName(code) {
  return names[code] ?? code;
}

export function learnRegionNames(codes) {
  for (const code of new Set(codes)) {
    if (!code || asked.has(code)) continue;
    asked.add(code);
    getRegion(code).then((r) => { if (r?.name) names[code] = r.name; }).catch(() => {});
  }
}
