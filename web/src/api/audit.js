// The audit trail (审计记录): {actor, action, target, since, until, page, size}.
import { request } from './client';

export const searchAudit = (query) => request('GET', '/audit', { query });
