// `ledger check`: the ledger's rules checked over the whole store, as `backup` checks its copy.
import type { LedgerCheck } from '../store/ledger-check.js';
import type { Store } from '../store/store.js';

export const ledgerCheckJson = (check: LedgerCheck) => ({
  accounts: check.accounts,
  payments: check.payments,
  credits: check.credits,
  adjustments: check.adjustments,
  balances_total: check.balancesTotal,
  credited_total: check.creditedTotal,
  adjusted_total: check.adjustedTotal,
  broken: check.broken,
});

export async function ledgerCheckCommand(store: Store) {
  return ledgerCheckJson(await (await store.operatorReads()).ledgerCheck());
}

/** What an operator reads on stderr when a rule is broken; undefined when the ledger holds. */
export function brokenRulesText(check: ReturnType<typeof ledgerCheckJson>): string | undefined {
  if (check.broken.length === 0) return undefined;
  return check.broken.map((b) => `${b.count} × ${b.says} (${b.kind}), e.g. ${b.examples[0]?.subject}: ${b.examples[0]?.detail}`).join('\n');
}
