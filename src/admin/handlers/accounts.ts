// Accounts: find, read, open, close, reopen; the ledger behind a balance, every account's of a
// period, and every account's as a feed.
import type { AccountOutcome } from '../../ledger/operator-rules.js';
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { problem, refusalProblem } from '../problem.js';
import { decodeFeedPosition, encodeFeedPosition, FEED_START } from '../../store/ledger-feed.js';
import { accountJson, ledgerEntryJson, pageJson } from '../representation.js';
import { periodProblem } from './times.js';

type Handlers = Pick<
  AdminHandlers,
  | 'listAccounts'
  | 'getAccount'
  | 'createAccount'
  | 'closeAccount'
  | 'reopenAccount'
  | 'listAccountLedger'
  | 'listLedger'
  | 'readLedgerFeed'
  | 'getLedgerFeedEnd'
>;

const noAccount = (customerId: string) => problem('not-found', `account ${customerId} does not exist`);
const changedAccount = (outcome: AccountOutcome) =>
  'refused' in outcome ? refusalProblem(outcome.refused) : { status: 200 as const, body: accountJson(outcome.account) };

export const accountHandlers: Handlers = {
  async listAccounts({ params, store }) {
    const reads = await store.operatorReads();
    const page = await reads.accounts(
      { ...(params.query !== undefined && { query: params.query }), ...(params.status !== undefined && { status: params.status }) },
      pageRequest(params),
    );
    return { status: 200, body: pageJson(page, accountJson) };
  },

  async getAccount({ params, store }) {
    const account = await store.findAccount(params.customer_id);
    return account ? { status: 200, body: accountJson(account) } : noAccount(params.customer_id);
  },

  async listAccountLedger({ params, store }) {
    const page = await (await store.operatorReads()).ledger(params.customer_id, pageRequest(params));
    return page ? { status: 200, body: pageJson(page, ledgerEntryJson) } : noAccount(params.customer_id);
  },

  async listLedger({ params, store }) {
    const wrong = periodProblem(params);
    if (wrong) return wrong;
    const { from, to } = params;
    const period = { ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
    const page = await (await store.operatorReads()).ledgerOfPeriod(period, pageRequest(params));
    return { status: 200, body: pageJson(page, ledgerEntryJson) };
  },

  async readLedgerFeed({ params, store }) {
    const after = params.after === undefined ? FEED_START : decodeFeedPosition(params.after, 'after');
    const feed = await (await store.operatorReads()).ledgerFeed(after, pageRequest(params).limit);
    return {
      status: 200,
      body: { items: feed.entries.map(ledgerEntryJson), next_after: encodeFeedPosition(feed.position), more: feed.more },
    };
  },

  async getLedgerFeedEnd({ store }) {
    const end = await (await store.operatorReads()).ledgerFeedEnd();
    return { status: 200, body: { next_after: encodeFeedPosition(end) } };
  },

  async createAccount({ body, identity, store }) {
    const outcome = await store.createAccountAsOperator({
      customerId: body.customer_id,
      currency: body.currency,
      ...(body.additional_customer_id !== undefined && { additionalCustomerId: body.additional_customer_id }),
      actor: identity.name,
    });
    return 'refused' in outcome ? refusalProblem(outcome.refused) : { status: 201, body: accountJson(outcome.account) };
  },

  async closeAccount({ params, identity, store }) {
    return changedAccount(await store.closeAccountAsOperator({ customerId: params.customer_id, actor: identity.name }));
  },

  async reopenAccount({ params, identity, store }) {
    return changedAccount(await store.reopenAccountAsOperator({ customerId: params.customer_id, actor: identity.name }));
  },
};
