// The request metrics are counted in plain numbers and reach prom-client when scraped: the text a
// scrape reads must be what prom-client's own counters and histogram would have written.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DurationHistogram } from '../../src/http/duration-histogram.js';
import { Metrics } from '../../src/http/metrics.js';
import type { WireAnswer } from '../../src/http/wire.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
// On a bound (le is "less than or equal"), between bounds, above every bound, zero.
const OBSERVED: Array<[string, number]> = [
  ['terminal', 0.001],
  ['terminal', 0.0042],
  ['callback', 0.05],
  ['terminal', 3.7],
  ['callback', 0],
  ['terminal', 0.0011],
  ['healthz', 0.1 + 0.2],
];

const withoutExemplars = (json: unknown) => JSON.parse(JSON.stringify(json, (key, value) => (key === 'exemplar' ? undefined : value)));

describe('DurationHistogram', () => {
  it('is scraped as the text and JSON prom-client writes for its own histogram', async () => {
    const theirs = new Registry();
    const histogram = new Histogram({ name: 'x_seconds', help: 'Time, by operation', labelNames: ['operation'], buckets: BUCKETS, registers: [theirs] });
    const ours = new Registry();
    const fast = new DurationHistogram('x_seconds', 'Time, by operation', 'operation', BUCKETS);
    ours.registerMetric(fast.asMetric());
    for (const [operation, seconds] of OBSERVED) {
      histogram.labels({ operation }).observe(seconds);
      fast.observe(operation, seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});

describe('Metrics', () => {
  const answer = (code: number, result?: string): WireAnswer =>
    ({ status: 200, code, body: result === undefined ? { code } : { code, result } }) as unknown as WireAnswer;

  it('counts each request once, however often it is scraped', async () => {
    const metrics = new Metrics();
    const theirs = new Registry();
    const requests = new Counter({ name: 'kassa24_requests_total', help: 'h', labelNames: ['operation', 'code', 'status'], registers: [theirs] });
    const callbacks = new Counter({ name: 'kassa24_callbacks_total', help: 'h', labelNames: ['result'], registers: [theirs] });
    const line = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));

    const record = (operation: string, code: number, result?: string) => {
      metrics.record(operation, answer(code, result), 200, 0.002);
      requests.inc({ operation, code, status: 200 });
      if (result) callbacks.inc({ result });
    };
    record('terminal', 0);
    record('callback', 0, 'credited');
    const first = await metrics.registry.metrics();
    expect(line(first, 'kassa24_requests_total')).toEqual(line(await theirs.metrics(), 'kassa24_requests_total'));
    record('terminal', 0);
    record('terminal', 400);
    record('callback', 0, 'duplicate');
    record('callback', 0, 'credited');
    const second = await metrics.registry.metrics();
    const expected = await theirs.metrics();
    expect(line(second, 'kassa24_requests_total')).toEqual(line(expected, 'kassa24_requests_total'));
    expect(line(second, 'kassa24_callbacks_total')).toEqual(line(expected, 'kassa24_callbacks_total'));
    expect(second).toContain('kassa24_requests_total{operation="terminal",code="0",status="200"} 2');
    expect(second).toContain('kassa24_request_duration_seconds_count{operation="terminal"} 3');
    // A third scrape with nothing new reads the same.
    expect(line(await metrics.registry.metrics(), 'kassa24_requests_total')).toEqual(line(second, 'kassa24_requests_total'));
  });
});
