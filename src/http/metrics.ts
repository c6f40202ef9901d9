// Prometheus metrics, all derived from what each request came to (the WireAnswer), in one place.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { WireAnswer } from './wire.js';

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
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
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
  private readonly signatureFailures = new Counter({
    name: 'kassa24_signature_failures_total',
    help: 'Requests refused for a missing or wrong signature or an unknown project',
    labelNames: ['operation', 'reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kassa24_' });
  }

  // Children per label set, looked up by one string: prom-client otherwise sorts and joins the
  // label object on every call. The sets are few (operations × codes × statuses).
  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();

  record(operation: string, answer: WireAnswer | undefined, status: number, seconds: number): void {
    const code = answer?.code ?? '';
    const key = `${operation} ${code} ${status}`;
    let requests = this.requestChildren.get(key);
    if (!requests) this.requestChildren.set(key, (requests = this.requests.labels({ operation, code, status })));
    requests.inc();
    let duration = this.durationChildren.get(operation);
    if (!duration) this.durationChildren.set(operation, (duration = this.duration.labels({ operation })));
    duration.observe(seconds);
    if (!answer) return;
    if (answer.reason === 'signature_missing' || answer.reason === 'signature_invalid' || answer.reason === 'unknown_project') {
      this.signatureFailures.inc({ operation, reason: answer.reason });
    }
    if (operation === 'callback') {
      const result = (answer.body as { result?: unknown }).result;
      if (answer.status === 200 && typeof result === 'string') this.callbacks.inc({ result });
      else if (answer.reason === 'contract_violation') this.rejected.inc();
    }
  }
}
