// What must hold of every ledger, whatever happened to it, checked from the tables themselves: each
// rule is one query of the rows that break it among a slice of keys, written once in SQL that
// SQLite and PostgreSQL both run — over a store (OperatorReads: the CLI, the admin API, the
// service's own check) or over a copy of one (backup, restore).

export const LEDGER_RULE_KINDS = [
  'balance_off',
  'credit_off_payment',
  'success_uncredited',
  'credited_and_settled',
  'settled_elsewhere',
] as const;
export type LedgerRuleKind = (typeof LEDGER_RULE_KINDS)[number];

/** Conditions on a key column bounding a query to one slice of the keys (see `slices`). */
type Within = (column: string) => string;

interface LedgerRule {
  kind: LedgerRuleKind;
  /** What a row of the query is, in an operator's words. */
  says: string;
  /** The keys it is checked in slices of: the accounts' customer ids or the payments' ids. */
  over: 'accounts' | 'payments';
  /** Selects `subject` (the slice's key) and `detail` of each row of one slice breaking the rule. */
  query: (within: Within) => string;
}

// Every table a rule reads is bounded to the slice, a joined one too although its join implies
// it: bounded on one side only, PostgreSQL reads the other table whole for each slice.
const LEDGER_RULES: readonly LedgerRule[] = [
  {
    kind: 'balance_off',
    says: 'an account whose balance is not the sum of its credits and adjustments',
    over: 'accounts',
    query: (within) => `
      with totals as (
        select customer_id, sum(amount) as amount from (
          select customer_id, amount from ledger_entries where ${within('customer_id')}
          union all
          select customer_id, amount from adjustments where ${within('customer_id')}
        ) as moved group by customer_id
      )
      select accounts.customer_id as subject,
        'balance ' || accounts.balance || ', credits and adjustments ' || coalesce(totals.amount, 0) as detail
      from accounts left join totals on totals.customer_id = accounts.customer_id
      where ${within('accounts.customer_id')} and accounts.balance <> coalesce(totals.amount, 0)`,
  },
  {
    kind: 'credit_off_payment',
    says: 'a credit that is not its payment: another account, amount or currency, or a payment not successful',
    over: 'payments',
    query: (within) => `
      select l.payment_id as subject,
        'credit of ' || l.amount || ' ' || l.currency || ' to ' || l.customer_id || '; payment: ' ||
        coalesce(p.amount || ' ' || p.currency || ' to ' || p.customer_id || ', ' || p.status, 'none') as detail
      from ledger_entries l left join payments p on p.payment_id = l.payment_id and ${within('p.payment_id')}
      where ${within('l.payment_id')} and (p.payment_id is null or p.customer_id <> l.customer_id or p.amount <> l.amount
        or p.currency <> l.currency or p.status <> 'success')`,
  },
  {
    kind: 'success_uncredited',
    says: 'a successful payment neither credited nor settled by hand',
    over: 'payments',
    query: (within) => `
      select p.payment_id as subject, 'success, ' || p.amount || ' ' || p.currency || ' to ' || p.customer_id || ', no credit' as detail
      from payments p
      where ${within('p.payment_id')} and p.status = 'success' and p.settled_by_adjustment is null
        and not exists (select 1 from ledger_entries l where l.payment_id = p.payment_id and ${within('l.payment_id')})`,
  },
  {
    kind: 'credited_and_settled',
    says: 'a payment both credited and settled by hand: paid twice',
    over: 'payments',
    query: (within) => `
      select p.payment_id as subject, 'credited, and settled by hand by adjustment #' || p.settled_by_adjustment as detail
      from payments p join ledger_entries l on l.payment_id = p.payment_id and ${within('l.payment_id')}
      where ${within('p.payment_id')} and p.settled_by_adjustment is not null`,
  },
  {
    kind: 'settled_elsewhere',
    says: "a payment settled by hand by an adjustment of another account: the payment's own account was not paid",
    over: 'payments',
    query: (within) => `
      select p.payment_id as subject,
        'payment of ' || p.customer_id || ', settled by adjustment #' || a.id || ' of ' || a.customer_id as detail
      from payments p join adjustments a on a.id = p.settled_by_adjustment
      where ${within('p.payment_id')} and a.customer_id <> p.customer_id`,
  },
];

// Each currency's sums and counts in one slice of the accounts, never one sum across currencies: a
// yen is not a hundredth of a tenge.
const totalsByCurrency = (within: Within) => `
  select currency, sum(accounts) as accounts, sum(balances) as balances, sum(credits) as credits, sum(credited) as credited,
    sum(adjustments) as adjustments, sum(adjusted) as adjusted
  from (
    select currency, count(*) as accounts, sum(balance) as balances, 0 as credits, 0 as credited, 0 as adjustments, 0 as adjusted
      from accounts where ${within('customer_id')} group by currency
    union all select currency, 0, 0, count(*), sum(amount), 0, 0 from ledger_entries where ${within('customer_id')} group by currency
    union all select currency, 0, 0, 0, 0, count(*), sum(amount) from adjustments where ${within('customer_id')} group by currency
  ) as sums
  group by currency`;

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

/**
 * Runs one query and answers its rows; numbers may come back as strings (PostgreSQL's bigint). The
 * query marks its parameters `?`, in the order of `parameters`.
 */
export type RunQuery = (query: string, parameters: readonly string[]) => Promise<Array<Record<string, unknown>>>;

const whole = (value: unknown): number => Number(value);

/** Keys per slice: a slice's query stays well inside a statement timeout however large the ledger. */
export const SLICE_KEYS = 50_000;

export interface CheckOptions {
  /** How many rows of each broken rule to give as examples. */
  examples?: number;
  /** Keys per slice (SLICE_KEYS). */
  sliceKeys?: number;
  /** Once aborted, no further query is started: the check rejects with the signal's reason. */
  stop?: AbortSignal;
}

/** A currency's totals, and the counts of rows behind them. */
type CurrencySums = CurrencyTotals & { credits: number; adjustments: number };
const NO_SUMS = { accounts: 0, balancesTotal: 0, creditedTotal: 0, adjustedTotal: 0, credits: 0, adjustments: 0 };

/**
 * One slice of a table's keys, in key order: after the last key of the slice before it (none for the
 * first) up to and including `upTo` (none for the last, which so takes any key beyond the last one
 * read, as a credit of an account or payment not in its table).
 */
interface Slice {
  after?: string;
  upTo?: string;
  /** Rows of the keyed table in it when it was cut. */
  keys: number;
}

/** A query bounded to `slice`: `within` writes its conditions and collects their parameters. */
function bounded(slice: Slice, write: (within: Within) => string): [string, string[]] {
  const parameters: string[] = [];
  const within: Within = (column) => {
    const conditions: string[] = [];
    if (slice.after !== undefined) {
      conditions.push(`${column} > ?`);
      parameters.push(slice.after);
    }
    if (slice.upTo !== undefined) {
      conditions.push(`${column} <= ?`);
      parameters.push(slice.upTo);
    }
    return conditions.length === 0 ? '1 = 1' : conditions.join(' and ');
  };
  return [write(within), parameters];
}

async function* slices(run: RunQuery, table: 'accounts' | 'payments', size: number): AsyncGenerator<Slice> {
  const key = table === 'accounts' ? 'customer_id' : 'payment_id';
  let after: string | undefined;
  for (;;) {
    const [cut] = await run(
      `select count(*) as keys, max(${key}) as up_to from (
        select ${key} from ${table} ${after === undefined ? '' : `where ${key} > ?`} order by ${key} limit ${size}
      ) as slice`,
      after === undefined ? [] : [after],
    );
    const keys = whole(cut?.keys);
    if (keys < size) {
      yield { after, keys };
      return;
    }
    const upTo = String(cut?.up_to);
    yield { after, upTo, keys };
    after = upTo;
  }
}

/**
 * The ledger's rules over every row, read in slices of the accounts' and the payments' keys: no
 * query reads more than a slice, so none outgrows a statement timeout or holds a snapshot for long,
 * and a stop ends the check within a slice. Each rule relates rows of one key, so a slice read in
 * one query is consistent in itself whatever is written between slices.
 */
export async function checkLedger(
  runQuery: RunQuery,
  { examples = 20, sliceKeys = SLICE_KEYS, stop }: CheckOptions = {},
): Promise<LedgerCheck> {
  if (!Number.isSafeInteger(sliceKeys) || sliceKeys < 1) throw new RangeError(`sliceKeys must be a whole number above 0, not ${sliceKeys}`);
  const run: RunQuery = (query, parameters) => {
    stop?.throwIfAborted();
    return runQuery(query, parameters);
  };
  const found = new Map<LedgerRuleKind, BrokenRule>();
  const checkSlice = async (slice: Slice, over: LedgerRule['over']) => {
    for (const rule of LEDGER_RULES.filter((r) => r.over === over)) {
      const [counted] = await run(...bounded(slice, (within) => `select count(*) as n from (${rule.query(within)}) as broken`));
      const count = whole(counted?.n);
      if (count === 0) continue;
      const broken = found.get(rule.kind) ?? { kind: rule.kind, says: rule.says, count: 0, examples: [] };
      found.set(rule.kind, broken);
      broken.count += count;
      const wanted = examples - broken.examples.length;
      if (wanted <= 0) continue;
      const rows = await run(...bounded(slice, (within) => `${rule.query(within)} order by subject limit ${wanted}`));
      broken.examples.push(...rows.map((r) => ({ subject: String(r.subject), detail: String(r.detail) })));
    }
  };

  const totals = new Map<string, CurrencySums>();
  for await (const slice of slices(run, 'accounts', sliceKeys)) {
    for (const r of await run(...bounded(slice, totalsByCurrency))) {
      const currency = String(r.currency);
      const sums = totals.get(currency) ?? { ...NO_SUMS, currency };
      totals.set(currency, sums);
      sums.accounts += whole(r.accounts);
      sums.balancesTotal += whole(r.balances);
      sums.credits += whole(r.credits);
      sums.creditedTotal += whole(r.credited);
      sums.adjustments += whole(r.adjustments);
      sums.adjustedTotal += whole(r.adjusted);
    }
    await checkSlice(slice, 'accounts');
  }
  let payments = 0;
  for await (const slice of slices(run, 'payments', sliceKeys)) {
    payments += slice.keys;
    await checkSlice(slice, 'payments');
  }

  const sorted = [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
  const total = (pick: (sums: CurrencySums) => number) => sorted.reduce((sum, sums) => sum + pick(sums), 0);
  return {
    accounts: total((t) => t.accounts),
    payments,
    credits: total((t) => t.credits),
    adjustments: total((t) => t.adjustments),
    balancesTotal: total((t) => t.balancesTotal),
    creditedTotal: total((t) => t.creditedTotal),
    adjustedTotal: total((t) => t.adjustedTotal),
    byCurrency: sorted.map(({ currency, accounts, balancesTotal, creditedTotal, adjustedTotal }) => ({
      currency,
      accounts,
      balancesTotal,
      creditedTotal,
      adjustedTotal,
    })),
    broken: LEDGER_RULES.flatMap((rule) => found.get(rule.kind) ?? []),
  };
}
