// What must hold of every ledger, whatever happened to it, checked from the tables themselves: each
// rule is one query of the rows that break it, written once in SQL that SQLite and PostgreSQL both
// run — over a store (OperatorReads: the CLI, the admin API, the service's own check) or over a
// copy of one (backup, restore).

export const LEDGER_RULE_KINDS = [
  'balance_off',
  'credit_off_payment',
  'success_uncredited',
  'credited_and_settled',
  'settled_elsewhere',
] as const;
export type LedgerRuleKind = (typeof LEDGER_RULE_KINDS)[number];

interface LedgerRule {
  kind: LedgerRuleKind;
  /** What a row of the query is, in an operator's words. */
  says: string;
  /** Selects `subject` (the account or payment id) and `detail` of each row breaking the rule. */
  query: string;
}

const LEDGER_RULES: readonly LedgerRule[] = [
  {
    kind: 'balance_off',
    says: 'an account whose balance is not the sum of its credits and adjustments',
    query: `
      with totals as (
        select customer_id, sum(amount) as amount from (
          select customer_id, amount from ledger_entries
          union all
          select customer_id, amount from adjustments
        ) as moved group by customer_id
      )
      select accounts.customer_id as subject,
        'balance ' || accounts.balance || ', credits and adjustments ' || coalesce(totals.amount, 0) as detail
      from accounts left join totals on totals.customer_id = accounts.customer_id
      where accounts.balance <> coalesce(totals.amount, 0)`,
  },
  {
    kind: 'credit_off_payment',
    says: 'a credit that is not its payment: another account, amount or currency, or a payment not successful',
    query: `
      select l.payment_id as subject,
        'credit of ' || l.amount || ' ' || l.currency || ' to ' || l.customer_id || '; payment: ' ||
        coalesce(p.amount || ' ' || p.currency || ' to ' || p.customer_id || ', ' || p.status, 'none') as detail
      from ledger_entries l left join payments p on p.payment_id = l.payment_id
      where p.payment_id is null or p.customer_id <> l.customer_id or p.amount <> l.amount
        or p.currency <> l.currency or p.status <> 'success'`,
  },
  {
    kind: 'success_uncredited',
    says: 'a successful payment neither credited nor settled by hand',
    query: `
      select p.payment_id as subject, 'success, ' || p.amount || ' ' || p.currency || ' to ' || p.customer_id || ', no credit' as detail
      from payments p
      where p.status = 'success' and p.settled_by_adjustment is null
        and not exists (select 1 from ledger_entries l where l.payment_id = p.payment_id)`,
  },
  {
    kind: 'credited_and_settled',
    says: 'a payment both credited and settled by hand: paid twice',
    query: `
      select p.payment_id as subject, 'credited, and settled by hand by adjustment #' || p.settled_by_adjustment as detail
      from payments p join ledger_entries l on l.payment_id = p.payment_id
      where p.settled_by_adjustment is not null`,
  },
  {
    kind: 'settled_elsewhere',
    says: "a payment settled by hand by an adjustment of another account: the payment's own account was not paid",
    query: `
      select p.payment_id as subject,
        'payment of ' || p.customer_id || ', settled by adjustment #' || a.id || ' of ' || a.customer_id as detail
      from payments p join adjustments a on a.id = p.settled_by_adjustment
      where a.customer_id <> p.customer_id`,
  },
];

const COUNTS = `
  select
    (select count(*) from payments) as payments,
    (select count(*) from ledger_entries) as credits,
    (select count(*) from adjustments) as adjustments`;

// Each currency's sums, never one sum across currencies: a yen is not a hundredth of a tenge.
const TOTALS_BY_CURRENCY = `
  select currency, sum(accounts) as accounts, sum(balances) as balances, sum(credited) as credited, sum(adjusted) as adjusted
  from (
    select currency, count(*) as accounts, sum(balance) as balances, 0 as credited, 0 as adjusted from accounts group by currency
    union all select currency, 0, 0, sum(amount), 0 from ledger_entries group by currency
    union all select currency, 0, 0, 0, sum(amount) from adjustments group by currency
  ) as sums
  group by currency
  order by currency`;

export interface CurrencyTotals {
  currency: string;
  accounts: number;
  balancesTotal: number;
  creditedTotal: number;
  adjustedTotal: number;
}

export interface BrokenRule {
  kind: LedgerRuleKind;
  says: string;
  /** How many rows break it. */
  count: number;
  /** The first of them. */
  examples: Array<{ subject: string; detail: string }>;
}

export interface LedgerCheck {
  accounts: number;
  payments: number;
  credits: number;
  adjustments: number;
  /** Sums in minor units over every currency: balances, what credits added, what adjustments added. */
  balancesTotal: number;
  creditedTotal: number;
  adjustedTotal: number;
  /** The same sums of each currency, alphabetical. */
  byCurrency: CurrencyTotals[];
  /** Empty when the ledger holds. */
  broken: BrokenRule[];
}

/** Runs one query and answers its rows; numbers may come back as strings (PostgreSQL's bigint). */
export type RunQuery = (query: string) => Promise<Array<Record<string, unknown>>>;

const whole = (value: unknown): number => Number(value);

export interface CheckOptions {
  /** How many rows of each broken rule to give as examples. */
  examples?: number;
  /** Once aborted, no further query is started: the check rejects with the signal's reason. */
  stop?: AbortSignal;
}

export async function checkLedger(runQuery: RunQuery, { examples = 20, stop }: CheckOptions = {}): Promise<LedgerCheck> {
  // Between queries, since a query in flight cannot be withdrawn; each is one pass over a table.
  const run: RunQuery = (query) => {
    stop?.throwIfAborted();
    return runQuery(query);
  };
  const [counts] = await run(COUNTS);
  const byCurrency: CurrencyTotals[] = (await run(TOTALS_BY_CURRENCY)).map((r) => ({
    currency: String(r.currency),
    accounts: whole(r.accounts),
    balancesTotal: whole(r.balances),
    creditedTotal: whole(r.credited),
    adjustedTotal: whole(r.adjusted),
  }));
  const total = (pick: (t: CurrencyTotals) => number) => byCurrency.reduce((sum, t) => sum + pick(t), 0);
  const broken: BrokenRule[] = [];
  for (const rule of LEDGER_RULES) {
    const [counted] = await run(`select count(*) as n from (${rule.query}) as broken`);
    const count = whole(counted?.n);
    if (count === 0) continue;
    const rows = await run(`${rule.query} order by subject limit ${examples}`);
    broken.push({
      kind: rule.kind,
      says: rule.says,
      count,
      examples: rows.map((r) => ({ subject: String(r.subject), detail: String(r.detail) })),
    });
  }
  return {
    accounts: total((t) => t.accounts),
    payments: whole(counts?.payments),
    credits: whole(counts?.credits),
    adjustments: whole(counts?.adjustments),
    balancesTotal: total((t) => t.balancesTotal),
    creditedTotal: total((t) => t.creditedTotal),
    adjustedTotal: total((t) => t.adjustedTotal),
    byCurrency,
    broken,
  };
}
