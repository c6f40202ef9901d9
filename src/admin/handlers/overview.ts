// Who the token is, the overview's figures, and the audit log.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { auditEntryJson, pageJson, summaryJson } from '../representation.js';

export const overviewHandlers: Pick<AdminHandlers, 'getSession' | 'getSummary' | 'listAuditLog'> = {
  getSession({ identity }) {
    return Promise.resolve({ status: 200, body: { name: identity.name, role: identity.role } });
  },

  async getSummary({ store }) {
    return { status: 200, body: summaryJson(await (await store.operatorReads()).summary(new Date())) };
  },

  async listAuditLog({ params, store }) {
    const page = await (await store.operatorReads()).auditLog(pageRequest(params));
    return { status: 200, body: pageJson(page, auditEntryJson) };
  },
};
