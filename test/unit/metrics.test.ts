// What a scrape reads after requests: each counted once, by operation, code, status and result;
// and what it reads of the store at each scrape.
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/http/metrics.js';
import type { WireAnswer } from '../../src/http/wire.js';
import type { FeedHeldBack } from '../../src/store/ledger-feed.js';

describe('Metrics', () => {
  const answer = (code: number, result?: string): WireAnswer => ({
    status: 200,
    code,
    body: result === undefined ? { code } : { code, result },
  });

  it('counts each request once, however often it is scraped', async () => {
    const metrics = new Metrics();
    const theirs = new Registry();
    const requests = new Counter({
      name: 'kassa24_requests_total',
      help: 'h',
      labelNames: ['operation', 'code', 'status'],
      registers: [theirs],
    });
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

  it('reads the open review items at each scrape, and answers the scrape when the store cannot', async () => {
    const metrics = new Metrics();
    let answer: () => Promise<number> = () => Promise.resolve(3);
    metrics.watchReviewQueue(() => answer());
    expect(await metrics.registry.metrics()).toContain('kassa24_review_open_items 3');
    answer = () => Promise.reject(new Error('store unavailable'));
    expect(await metrics.registry.metrics()).toContain('kassa24_review_open_items 3');
    // A store that never answers (a PostgreSQL gone quiet) costs the scrape a second, not the scrape.
    answer = () => new Promise<number>(() => undefined);
    expect(await metrics.registry.metrics()).toContain('kassa24_review_open_items 3');
    answer = () => Promise.resolve(0);
    expect(await metrics.registry.metrics()).toContain('kassa24_review_open_items 0');
  });

  it('reads what the ledger feed holds back once a scrape, its oldest entry as an age', async () => {
    const metrics = new Metrics();
    const reads: number[] = [];
    let answer: () => Promise<FeedHeldBack> = () => Promise.resolve({ entries: 0, oldestCreatedAt: null });
    metrics.watchLedgerFeed(() => {
      reads.push(Date.now());
      return answer();
    });
    const scrape = async () => {
      const text = await metrics.registry.metrics();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      return { entries: value('kassa24_ledger_feed_held_back_entries'), seconds: value('kassa24_ledger_feed_held_back_seconds') };
    };

    expect(await scrape()).toEqual({ entries: 0, seconds: 0 });
    expect(reads).toHaveLength(1);
    answer = () => Promise.resolve({ entries: 3, oldestCreatedAt: new Date(Date.now() - 90_000).toISOString() });
    const held = await scrape();
    expect(held.entries).toBe(3);
    expect(held.seconds).toBeGreaterThanOrEqual(90);
    expect(held.seconds).toBeLessThan(100);
    expect(reads).toHaveLength(2);
    // A store that cannot answer leaves the last figures.
    answer = () => Promise.reject(new Error('store unavailable'));
    expect((await scrape()).entries).toBe(3);
  });
});
