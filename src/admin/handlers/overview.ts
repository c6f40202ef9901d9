// Who the token is, the overview's figures, the ledger's rules checked, the jobs' last runs, and the
// audit log.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { currencyProblem } from '../../ledger/currency.js';
import { problem } from '../problem.js';
import { auditEntryJson, jobRunJson, ledgerCheckJson, pageJson, summaryJson } from '../representation.js';

/** The method's currency: what the overview counts unless asked for another. */
const SUMMARY_CURRENCY = 'KZT';

export const overviewHandlers: Pick<AdminHandlers, 'getSession' | 'getSummary' | 'checkLedger' | 'listJobRuns' | 'listAuditLog'> = {
  getSession({ identity }) {
    return Promise.resolve({ status: 200, body: { name: identity.name, role: identity.role } });
  },

  async getSummary({ params, store }) {
    const currency = params.currency ?? SUMMARY_CURRENCY;
    const wrong = currencyProblem(currency);
    if (wrong) return problem('invalid-request', `currency: ${wrong}`, [{ field: 'currency', message: wrong }]);
    return { status: 200, body: summaryJson(await (await store.operatorReads()).summary(new Date(), currency)) };
  },

  async checkLedger({ store }) {
    const check = await (await store.operatorReads()).ledgerCheck();
    return { status: 200, body: ledgerCheckJson(check, new Date()) };
  },

  async listJobRuns({ store }) {
    return { status: 200, body: { items: (await (await store.operatorReads()).jobRuns()).map(jobRunJson) } };
  },

  async listAuditLog({ params, store }) {
    const page = await (await store.operatorReads()).auditLog(pageRequest(params));
    return { status: 200, body: pageJson(page, auditEntryJson) };
  },
};
