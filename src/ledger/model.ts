// The ledger's records as the domain sees them. Amounts are integers in minor units.

export type AccountStatus = 'active' | 'closed';
/** `expired`: still pending after the method's threshold (36 days); a late success still credits. */
export type PaymentStatus = 'pending' | 'success' | 'failed' | 'expired';
/**
 * What came of asking the Gate about a pending payment: a final status `applied`, an intermediate
 * one (`still_pending`), no answer after the retries (`not_answered`), or none to be had (`refused`).
 */
export const STATUS_CHECK_OUTCOMES = ['applied', 'still_pending', 'not_answered', 'refused'] as const;
export type StatusCheckOutcome = (typeof STATUS_CHECK_OUTCOMES)[number];

export interface Account {
  customerId: string;
  currency: string;
  balance: number;
  status: AccountStatus;
  additionalCustomerId: string | null;
  createdAt: string;
}

export interface Payment {
  paymentId: string;
  projectId: number;
  customerId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  /** The status named by the last callback applied, final or not. */
  lastCallbackStatus: string | null;
  /**
   * The operator's adjustment that paid this payment by hand (operator-rules.ts), if any: a later
   * success then credits nothing.
   */
  settledByAdjustment: number | null;
  createdAt: string;
  updatedAt: string;
}

/** What the ledger needs of a callback; the raw body travels beside it for storage. */
export interface CallbackFacts {
  projectId: number;
  paymentId: string;
  status: string;
  amount: number;
  currency: string;
}

/** Where a callback's facts came from; all are applied alike. */
export type CallbackSource = 'callback' | 'status_request' | 'reconciliation';

export type CallbackResult = 'credited' | 'failed' | 'recorded' | 'duplicate' | 'flagged';

export interface CallbackOutcome {
  result: CallbackResult;
  paymentId: string;
  reviewReason?: string;
}

/** A stored callback, as an operator reviews it. */
export interface StoredCallback {
  id: number;
  paymentId: string;
  projectId: number;
  status: string;
  result: CallbackResult | 'pending';
  reviewReason: string | null;
  deliveries: number;
  receivedAt: string;
  lastReceivedAt: string;
  rawBody: string;
  headers: Record<string, string>;
  /** Set once an operator closed the review of a flagged callback. */
  reviewedAt: string | null;
  reviewedBy: string | null;
  reviewNote: string | null;
  source: CallbackSource;
}

/** A correctly signed callback refused for breaking the contract: kept aside, never applied. */
export interface StoredRejectedCallback {
  id: number;
  /** Why it was refused, as answered to the platform. */
  reason: string;
  deliveries: number;
  receivedAt: string;
  lastReceivedAt: string;
  rawBody: string;
  headers: Record<string, string>;
}

/** A reconciliation against the platform's records, as stored. */
export interface ReconciliationRun {
  id: number;
  startedAt: string;
  finishedAt: string;
  /** Where the platform's records came from: `file:PATH` or `data-api`. */
  source: string;
  periodFrom: string | null;
  periodTo: string | null;
  /** Whether missing payments were applied. */
  applied: boolean;
  /** The counts: compared, matching, skipped, applied and one per discrepancy kind. */
  summary: Record<string, number>;
  /** How many discrepancies it found. */
  discrepancies: number;
  /** How many of them are stored, to be listed (a run keeps only so many of each kind). */
  discrepanciesKept: number;
}

/** One thing a reconciliation found. `platform` and `ledger` are each side's record, or null. */
export interface ReconciliationFinding {
  kind: string;
  paymentId: string;
  platform: Record<string, unknown> | null;
  ledger: Record<string, unknown> | null;
  /** With apply: what applying did. */
  applied: string | null;
}

export interface StoredFinding extends ReconciliationFinding {
  id: number;
}

/** One operator action, as the audit log keeps it. */
export interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  request: unknown;
  outcome: 'done' | 'refused';
  result: unknown;
  createdAt: string;
}

/** One movement of a balance: the credit of a successful payment, or an operator's adjustment. */
export interface LedgerEntry {
  kind: 'credit' | 'adjustment';
  /** The entry's id within its kind. */
  id: number;
  customerId: string;
  amount: number;
  currency: string;
  createdAt: string;
  paymentId: string | null;
  callbackId: number | null;
  reason: string | null;
  actor: string | null;
}

/** A payment as an operator lists it: with whether any of its callbacks was kept for review. */
export interface ListedPayment extends Payment {
  flagged: boolean;
}

/** Payments of one status within a period. */
export interface StatusFigures {
  status: PaymentStatus;
  count: number;
  amount: number;
}

/** Payments opened within [from, to), and the amount credited in it. */
export interface PeriodFigures {
  from: string;
  to: string;
  byStatus: StatusFigures[];
  creditedAmount: number;
}

export interface DayFigures {
  /** A UTC day, YYYY-MM-DD. */
  date: string;
  payments: number;
  creditedAmount: number;
}

/** What an overview shows: payments and credits of one currency, never amounts added across currencies. */
export interface LedgerSummary {
  generatedAt: string;
  currency: string;
  /** The currencies of the last 30 days' payments and `currency`, alphabetical: the summaries there are to ask for. */
  currencies: string[];
  last24h: PeriodFigures;
  last30d: PeriodFigures;
  /** The last 30 UTC days, today last. */
  days: DayFigures[];
  openReviewItems: number;
  lastCallbackReceivedAt: string | null;
}
