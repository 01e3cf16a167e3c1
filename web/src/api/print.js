// The print views (policy card, village notices): HTML the server renders, fetched with the
// token and opened as a blob URL in a new tab, to print from there. The tab is opened before
// the request (a click's own window, not a blocked pop-up) and closed if the request fails.
import { request } from './client';

async function openHtml(path, query) {
  const tab = window.open('', '_blank');
  try {
    const blob = await request('GET', path, { query, raw: true });
    const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (e) {
    tab?.close();
    throw e;
  }
}

// 扶贫政策明白卡 of a household.
export const openPolicyCard = (code) => openHtml(`/print/policy-card/${code}`);
// A village's notice (公示公告): kind as the API names it (exit, …).
export const openNotice = (village, kind) => openHtml('/print/notice', { village, kind });
