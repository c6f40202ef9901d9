// The ledger's records as the domain sees them. Amounts are integers in minor units.

export type AccountStatus = 'active' | 'closed';
/** `expired`: still pending after the method's threshold (36 days); a late success still credits. */
export type PaymentStatus = 'pending' | 'success' | 'failed' | 'expired';

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
