// Prometheus metrics, all derived from what each request came to (the WireAnswer), in one place.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobOutcome } from '../jobs/interval-job.js';
import { STATUS_CHECK_OUTCOMES } from '../ledger/model.js';
import type { SyncSummary } from '../platform/status-sync.js';
import { DISCREPANCY_KINDS, type DiscrepancyKind } from '../reconcile/compare.js';
import { LEDGER_RULE_KINDS, type LedgerCheck } from '../store/ledger-check.js';
import { FEED_HELD_BACK_COUNTED, type FeedHeldBack } from '../store/ledger-feed.js';
import type { PoolUsage, Store } from '../store/store.js';
import type { WireAnswer } from './wire.js';

// From a tenth of a millisecond (a small commit on a fast disk) to a second (a disk in trouble).
const STORE_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const REQUEST_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_WRITES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
// A store that does not answer (PostgreSQL gone) must not hold the scrape up.
const SCRAPE_READ_WAIT_MS = 1000;

/**
 * What `read` answers within SCRAPE_READ_WAIT_MS; undefined when the store cannot answer now, so
 * that the scrape still answers, without the figure's update.
 */
async function readForScrape<T>(read: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SCRAPE_READ_WAIT_MS)));
  try {
    return await Promise.race([read(), late]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The child of a labelled metric for one label set, made once: prom-client checks and hashes the
 * labels on every labelled call, a bound child does not. Label sets here are few (operations ×
 * codes × statuses).
 */
function bound<C>(children: Map<string, C>, key: string, make: () => C): C {
  let child = children.get(key);
  if (child === undefined) {
    child = make();
    children.set(key, child);
  }
  return child;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'kassa24_requests_total',
    help: 'Requests by operation, protocol code and HTTP status',
    labelNames: ['operation', 'code', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'kassa24_request_duration_seconds',
    help: 'Time from request to answer, by operation',
    labelNames: ['operation'] as const,
    buckets: REQUEST_SECONDS,
    registers: [this.registry],
  });
  private readonly callbacks = new Counter({
    name: 'kassa24_callbacks_total',
    help: 'Stored callbacks by result: credited, failed, recorded, duplicate (a redelivery), flagged (kept for review)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'kassa24_callbacks_rejected_total',
    help: 'Correctly signed callbacks refused for breaking the contract (kept aside, platform redelivers)',
    registers: [this.registry],
  });
  // By the protocol's failure reason: store_unavailable tells the store down from a refused
  // deposit, which /terminal answers with the same code.
  private readonly failures = new Counter({
    name: 'kassa24_request_failures_total',
    help: 'Requests answered with a failure, by operation and reason (signature_invalid, unknown_project, store_unavailable, internal, …)',
    labelNames: ['operation', 'reason'] as const,
    registers: [this.registry],
  });

  // Group commit, as the store reports it (SQLite): how many writes share a disk flush, and how long
  // a batch and its COMMIT take. A disk getting slower shows here first; a batch of one under load
  // says the writes are not sharing flushes.
  private readonly batchWrites = new Histogram({
    name: 'kassa24_store_batch_writes',
    help: 'Writes committed together in one transaction (group commit), by store',
    labelNames: ['store'] as const,
    buckets: BATCH_WRITES,
    registers: [this.registry],
  });
  private readonly batchSeconds = new Histogram({
    name: 'kassa24_store_batch_seconds',
    help: 'Time of a write batch from BEGIN to the end of COMMIT, by store',
    labelNames: ['store'] as const,
    buckets: STORE_SECONDS,
    registers: [this.registry],
  });
  private readonly commitSeconds = new Histogram({
    name: 'kassa24_store_commit_seconds',
    help: "Time of a write batch's COMMIT: the log written and flushed to disk, by store",
    labelNames: ['store'] as const,
    buckets: STORE_SECONDS,
    registers: [this.registry],
  });

  // The service's own ledger check (LEDGER_CHECK_INTERVAL): alert on any rule above zero, and on a
  // last check older than a few intervals.
  private readonly ledgerBroken = new Gauge({
    name: 'kassa24_ledger_rule_violations',
    help: "Rows breaking each of the ledger's rules at the last ledger check (0 when it holds)",
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });
  private readonly ledgerCheckedAt = new Gauge({
    name: 'kassa24_ledger_last_check_timestamp_seconds',
    help: 'When the last ledger check ended (Unix time)',
    registers: [this.registry],
  });

  // The service's jobs: alert on a job whose last success is older than a few of its intervals, and
  // on payments the Gate does not answer about.
  private readonly jobRuns = new Counter({
    name: 'kassa24_job_runs_total',
    help: 'Runs of each job the service runs by itself: done, failed, or elsewhere (another instance held its lock)',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });
  // A run growing longer (a ledger check as the ledger grows, a sync with a slow Gate) shows here
  // before it outgrows its interval.
  private readonly jobDuration = new Histogram({
    name: 'kassa24_job_duration_seconds',
    help: 'How long each run of a job the service runs by itself took, done or failed',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });
  private readonly jobSucceededAt = new Gauge({
    name: 'kassa24_job_last_success_timestamp_seconds',
    help: 'When each job last ended without failing (Unix time)',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  private readonly syncedPayments = new Counter({
    name: 'kassa24_status_sync_payments_total',
    help: "Payments the service's payments sync asked the Gate about, by outcome: applied, still_pending, not_answered, refused",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  // The service's own reconciliation (RECONCILE_INTERVAL): alert on any found, since each day is
  // compared once.
  private readonly reconciliationFound = new Counter({
    name: 'kassa24_reconciliation_discrepancies_total',
    help: "Discrepancies the service's reconciliation found between the Data API and the ledger, by kind",
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private reviewQueue: (() => Promise<number>) | undefined;
  // Read at each scrape: alert on flagged callbacks left waiting, which a counter of flags cannot tell.
  private readonly openReviewItems = new Gauge({
    name: 'kassa24_review_open_items',
    help: 'Flagged callbacks whose review is not closed, as of the scrape',
    registers: [this.registry],
    collect: async () => {
      const count = this.reviewQueue && (await readForScrape(this.reviewQueue));
      if (count !== undefined) this.openReviewItems.set(count);
    },
  });

  // Read at each scrape, once for both figures: alert on the age, since a feed consumer sees only
  // that nothing new arrives.
  private feedHeldBack: (() => Promise<FeedHeldBack | undefined>) | undefined;
  private readonly feedHeldBackEntries = new Gauge({
    name: 'kassa24_ledger_feed_held_back_entries',
    help: `Committed credits and adjustments not yet in the ledger feed, since a transaction begun before theirs is still open on the PostgreSQL server (up to ${FEED_HELD_BACK_COUNTED} of each kind), as of the scrape`,
    registers: [this.registry],
    collect: async () => {
      const held = await this.feedHeldBack?.();
      if (held) this.feedHeldBackEntries.set(held.entries);
    },
  });
  private readonly feedHeldBackSeconds = new Gauge({
    name: 'kassa24_ledger_feed_held_back_seconds',
    help: 'Age of the oldest committed entry not yet in the ledger feed (0 when none), as of the scrape',
    registers: [this.registry],
    collect: async () => {
      const held = await this.feedHeldBack?.();
      if (!held) return;
      const age = held.oldestCreatedAt === null ? 0 : (Date.now() - Date.parse(held.oldestCreatedAt)) / 1000;
      this.feedHeldBackSeconds.set(Math.max(0, age));
    },
  });

  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();
  private readonly callbackChildren = new Map<string, { inc(): void }>();
  private readonly failureChildren = new Map<string, { inc(): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kassa24_' });
  }

  /**
   * Counts the store's write batches from now on (a store without group commit reports none), and
   * reads its connection pools at each scrape (a store without pools has none to show).
   */
  watchStore(store: Pick<Store, 'dialect' | 'onCommit' | 'poolUsage'>): void {
    const labels = { store: store.dialect };
    store.onCommit?.((writes, batchSeconds, commitSeconds) => {
      this.batchWrites.observe(labels, writes);
      this.batchSeconds.observe(labels, batchSeconds);
      this.commitSeconds.observe(labels, commitSeconds);
    });
    if (store.poolUsage) this.watchPools(store.poolUsage.bind(store));
  }

  // A 503 for want of a connection shows here as waiting operations and a pool with no idle
  // connection; a database gone shows as no connection open at all. Each figure is read at its scrape.
  private watchPools(usage: () => readonly PoolUsage[]): void {
    new Gauge({
      name: 'kassa24_store_pool_connections',
      help: 'Connections of each PostgreSQL pool (platform, operator) by state: busy or idle, as of the scrape',
      labelNames: ['pool', 'state'] as const,
      registers: [this.registry],
      collect() {
        for (const { pool, open, idle } of usage()) {
          this.set({ pool, state: 'busy' }, open - idle);
          this.set({ pool, state: 'idle' }, idle);
        }
      },
    });
    new Gauge({
      name: 'kassa24_store_pool_max_connections',
      help: 'The most connections each PostgreSQL pool opens (DATABASE_POOL_SIZE for the platform)',
      labelNames: ['pool'] as const,
      registers: [this.registry],
      collect() {
        for (const { pool, max } of usage()) this.set({ pool }, max);
      },
    });
    new Gauge({
      name: 'kassa24_store_pool_waiting',
      help: 'Operations waiting for a connection of each PostgreSQL pool, as of the scrape',
      labelNames: ['pool'] as const,
      registers: [this.registry],
      collect() {
        for (const { pool, waiting } of usage()) this.set({ pool }, waiting);
      },
    });
  }

  /** Where `kassa24_review_open_items` is read from at each scrape. */
  watchReviewQueue(count: () => Promise<number>): void {
    this.reviewQueue = count;
  }

  /** Where the `kassa24_ledger_feed_held_back_*` figures are read from at each scrape. */
  watchLedgerFeed(heldBack: () => Promise<FeedHeldBack>): void {
    // Both gauges collect within one scrape, concurrently: they share the read in flight.
    let inFlight: Promise<FeedHeldBack | undefined> | undefined;
    this.feedHeldBack = () => (inFlight ??= readForScrape(heldBack).finally(() => (inFlight = undefined)));
  }

  ledgerChecked(check: LedgerCheck, at: Date): void {
    for (const rule of LEDGER_RULE_KINDS) this.ledgerBroken.set({ rule }, check.broken.find((b) => b.kind === rule)?.count ?? 0);
    this.ledgerCheckedAt.set(at.getTime() / 1000);
  }

  jobRan(job: string, outcome: JobOutcome, at: Date, seconds?: number): void {
    this.jobRuns.inc({ job, outcome });
    if (seconds !== undefined) this.jobDuration.observe({ job, outcome }, seconds);
    if (outcome === 'done') this.jobSucceededAt.set({ job }, at.getTime() / 1000);
  }

  reconciled(summary: Record<DiscrepancyKind, number>): void {
    for (const kind of DISCREPANCY_KINDS) this.reconciliationFound.inc({ kind }, summary[kind]);
  }

  paymentsSynced(summary: SyncSummary): void {
    for (const outcome of STATUS_CHECK_OUTCOMES) this.syncedPayments.inc({ outcome }, summary[outcome]);
  }

  record(operation: string, answer: WireAnswer | undefined, status: number, seconds: number): void {
    const code = answer?.code ?? '';
    bound(this.requestChildren, `${operation} ${code} ${status}`, () => this.requests.labels({ operation, code, status })).inc();
    bound(this.durationChildren, operation, () => this.duration.labels({ operation })).observe(seconds);
    if (!answer) return;
    const { reason } = answer;
    if (reason !== undefined)
      bound(this.failureChildren, `${operation} ${reason}`, () => this.failures.labels({ operation, reason })).inc();
    if (operation === 'callback') {
      const result = (answer.body as { result?: unknown }).result;
      if (answer.status === 200 && typeof result === 'string')
        bound(this.callbackChildren, result, () => this.callbacks.labels({ result })).inc();
      else if (answer.reason === 'contract_violation') this.rejected.inc();
    }
  }
}
