// Prometheus metrics, all derived from what each request came to (the WireAnswer), in one place.
// What every request updates is counted in plain numbers and reaches prom-client when scraped:
// its own counters and histograms check and hash their labels on every call (~2.4 µs a request
// for the three a callback updates, measured).
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { DurationHistogram } from './duration-histogram.js';
import type { Store } from '../store/store.js';
import type { WireAnswer } from './wire.js';

// From a tenth of a millisecond (a small commit on a fast disk) to a second (a disk in trouble).
const STORE_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Counts by label set, kept as numbers until a scrape hands them to a prom-client counter. */
class PendingCounts<L extends Record<string, string | number>> {
  private readonly counts = new Map<string, { labels: L; count: number }>();

  add(key: string, labels: () => L): void {
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { labels: labels(), count: 1 });
  }

  flushInto(counter: Counter<string>): void {
    for (const entry of this.counts.values()) {
      if (entry.count === 0) continue;
      counter.inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}

export class Metrics {
  readonly registry = new Registry();
  private readonly pendingRequests = new PendingCounts<{ operation: string; code: string | number; status: number }>();
  private readonly requests: Counter<'operation' | 'code' | 'status'> = new Counter({
    name: 'kassa24_requests_total',
    help: 'Requests by operation, protocol code and HTTP status',
    labelNames: ['operation', 'code', 'status'] as const,
    registers: [this.registry],
    collect: (): void => this.pendingRequests.flushInto(this.requests),
  });
  private readonly duration = new DurationHistogram(
    'kassa24_request_duration_seconds',
    'Time from request to answer, by operation',
    'operation',
    [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  private readonly pendingCallbacks = new PendingCounts<{ result: string }>();
  private readonly callbacks: Counter<'result'> = new Counter({
    name: 'kassa24_callbacks_total',
    help: 'Stored callbacks by result: credited, failed, recorded, duplicate (a redelivery), flagged (kept for review)',
    labelNames: ['result'] as const,
    registers: [this.registry],
    collect: (): void => this.pendingCallbacks.flushInto(this.callbacks),
  });
  private readonly rejected = new Counter({
    name: 'kassa24_callbacks_rejected_total',
    help: 'Correctly signed callbacks refused for breaking the contract (kept aside, platform redelivers)',
    registers: [this.registry],
  });
  private readonly signatureFailures = new Counter({
    name: 'kassa24_signature_failures_total',
    help: 'Requests refused for a missing or wrong signature or an unknown project',
    labelNames: ['operation', 'reason'] as const,
    registers: [this.registry],
  });

  // Group commit, as the store reports it (SQLite): how many writes share a disk flush, and how long
  // a batch and its COMMIT take. A disk getting slower shows here first; a batch of one under load
  // says the writes are not sharing flushes.
  private readonly batchWrites = new DurationHistogram(
    'kassa24_store_batch_writes',
    'Writes committed together in one transaction (group commit), by store',
    'store',
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  );
  private readonly batchSeconds = new DurationHistogram(
    'kassa24_store_batch_seconds',
    'Time of a write batch from BEGIN to the end of COMMIT, by store',
    'store',
    STORE_SECONDS,
  );
  private readonly commitSeconds = new DurationHistogram(
    'kassa24_store_commit_seconds',
    "Time of a write batch's COMMIT: the log written and flushed to disk, by store",
    'store',
    STORE_SECONDS,
  );

  constructor() {
    // prom-client's own metrics register themselves through `registers`; these are registered here.
    this.registry.registerMetric(this.duration.asMetric());
    for (const histogram of [this.batchWrites, this.batchSeconds, this.commitSeconds]) this.registry.registerMetric(histogram.asMetric());
    collectDefaultMetrics({ register: this.registry, prefix: 'kassa24_' });
  }

  /** Counts the store's write batches from now on (a store without group commit reports none). */
  watchStore(store: Pick<Store, 'dialect' | 'onCommit'>): void {
    const label = store.dialect;
    store.onCommit?.((writes, batchSeconds, commitSeconds) => {
      this.batchWrites.observe(label, writes);
      this.batchSeconds.observe(label, batchSeconds);
      this.commitSeconds.observe(label, commitSeconds);
    });
  }

  record(operation: string, answer: WireAnswer | undefined, status: number, seconds: number): void {
    const code = answer?.code ?? '';
    // The label sets are few (operations × codes × statuses).
    this.pendingRequests.add(`${operation} ${code} ${status}`, () => ({ operation, code, status }));
    this.duration.observe(operation, seconds);
    if (!answer) return;
    if (answer.reason === 'signature_missing' || answer.reason === 'signature_invalid' || answer.reason === 'unknown_project') {
      this.signatureFailures.inc({ operation, reason: answer.reason });
    }
    if (operation === 'callback') {
      const result = (answer.body as { result?: unknown }).result;
      if (answer.status === 200 && typeof result === 'string') this.pendingCallbacks.add(result, () => ({ result }));
      else if (answer.reason === 'contract_violation') this.rejected.inc();
    }
  }
}
