import { describe, expect, it } from 'vitest';
import { pacer, sleep, withRetry } from '../../src/platform/pacing.js';
import { parseDuration } from '../../src/platform/status-sync.js';

describe('pacing the platform', () => {
  it('spaces starts 1/rate apart on a clock it is given', async () => {
    let now = 1000;
    const waits: number[] = [];
    const pace = pacer(
      4,
      (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
      () => now,
    );
    for (let i = 0; i < 4; i++) await pace();
    expect(waits).toEqual([250, 250, 250]);
    now += 1000;
    await pace();
    expect(waits).toHaveLength(3);
  });

  it('ends a pause early once told to stop, and makes none when stopped already', async () => {
    const stop = new AbortController();
    const started = performance.now();
    const pausing = sleep(60_000, stop.signal);
    setTimeout(() => stop.abort(), 20);
    await pausing;
    expect(performance.now() - started).toBeLessThan(1000);
    const again = performance.now();
    await sleep(60_000, stop.signal);
    expect(performance.now() - again).toBeLessThan(50);
    // Without a stop, a pause is its length.
    const plain = performance.now();
    await sleep(30);
    expect(performance.now() - plain).toBeGreaterThanOrEqual(25);
  });

  it('hands its stop to the pause between starts and to the retries', async () => {
    const stop = new AbortController();
    const given: Array<AbortSignal | undefined> = [];
    const wait = (_ms: number, signal?: AbortSignal) => {
      given.push(signal);
      return Promise.resolve();
    };
    const pace = pacer(1, wait, () => 0);
    await pace(stop.signal);
    await pace(stop.signal);
    await withRetry(
      () => Promise.resolve({ transient: true }),
      (r) => r.transient,
      { attempts: 2, firstPauseMs: 1 },
      wait,
      stop.signal,
    );
    expect(given).toEqual([stop.signal, stop.signal]);
  });

  it('retries a transient failure with doubling pauses, and stops at success or the last attempt', async () => {
    const pauses: number[] = [];
    const wait = (ms: number) => {
      pauses.push(ms);
      return Promise.resolve();
    };
    let calls = 0;
    const flaky = () => Promise.resolve(++calls < 3 ? { transient: true } : { transient: false });
    expect(await withRetry(flaky, (r) => r.transient, { attempts: 5, firstPauseMs: 100 }, wait)).toEqual({ transient: false });
    expect(pauses).toEqual([100, 200]);
    calls = -10;
    pauses.length = 0;
    expect(await withRetry(flaky, (r) => r.transient, { attempts: 3, firstPauseMs: 100 }, wait)).toEqual({ transient: true });
    expect(pauses).toEqual([100, 200]);
  });

  it('tries no more once stopped, during a pause or before it', async () => {
    let calls = 0;
    const failing = () => Promise.resolve({ transient: true, call: ++calls });
    const stop = new AbortController();
    // Stopped during the first pause: the attempt after it is not made.
    const pausing = (): Promise<void> => {
      stop.abort();
      return Promise.resolve();
    };
    expect(await withRetry(failing, (r) => r.transient, { attempts: 5, firstPauseMs: 100 }, pausing, stop.signal)).toEqual({
      transient: true,
      call: 1,
    });
    // Stopped already: one attempt, no pause.
    const pauses: number[] = [];
    const wait = (ms: number) => {
      pauses.push(ms);
      return Promise.resolve();
    };
    expect(await withRetry(failing, (r) => r.transient, { attempts: 5, firstPauseMs: 100 }, wait, stop.signal)).toMatchObject({ call: 2 });
    expect(pauses).toEqual([]);
  });

  it('reads durations', () => {
    expect(['15m', '2h', '30s', '1d', '500ms', '0s'].map(parseDuration)).toEqual([900_000, 7_200_000, 30_000, 86_400_000, 500, 0]);
    expect(['15', 'm', '1.5h', '-1m'].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined]);
    // A century back at most: further, the cutoff would pass the dates JavaScript can hold.
    expect(['36500d', '36501d', '99999999d'].map(parseDuration)).toEqual([36_500 * 86_400_000, undefined, undefined]);
  });
});
