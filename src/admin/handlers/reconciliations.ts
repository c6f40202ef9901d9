// Reconciliation runs (cli reconcile) and what each found.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { problem } from '../problem.js';
import { findingJson, pageJson, runJson } from '../representation.js';

export const reconciliationHandlers: Pick<AdminHandlers, 'listReconciliations' | 'getReconciliation'> = {
  async listReconciliations({ params, store }) {
    const page = await (await store.operatorReads()).reconciliations(pageRequest(params));
    return { status: 200, body: pageJson(page, runJson) };
  },

  async getReconciliation({ params, store }) {
    const found = await (await store.operatorReads()).reconciliation(params.reconciliation_id, pageRequest(params));
    if (!found) return problem('not-found', `reconciliation ${params.reconciliation_id} does not exist`);
    const { items, next_cursor } = pageJson(found.findings, findingJson);
    return { status: 200, body: { run: runJson(found.run), discrepancies: items, next_cursor } };
  },
};
