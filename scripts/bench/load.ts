// One autocannon run against one endpoint: bodies from a prepared source, every answer checked.
import autocannon from 'autocannon';
import type { BodySource } from './bodies.js';

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  requests: number;
}

export interface LoadSpec {
  url: string;
  path: string;
  bodies: BodySource;
  check: (status: number, body: string) => boolean;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead of after durationSeconds. */
  amount?: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let wrong = 0;
  let exhausted: Error | undefined;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    ...(spec.amount !== undefined && { amount: spec.amount }),
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          try {
            return { ...request, body: spec.bodies.next() };
          } catch (error) {
            exhausted ??= error instanceof Error ? error : new Error(String(error));
            return { ...request, body: '' };
          }
        },
        onResponse: (status, body) => {
          if (!spec.check(status, body)) wrong++;
        },
      },
    ],
  });
  if (exhausted) throw exhausted;
  return {
    // Over the whole run, not the average of per-second samples: short runs count exactly.
    rps: Math.round(result.requests.total / result.duration),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: wrong + result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

export const echoCheck = (status: number, body: string) => status === 200 && body.startsWith('{');

/** A 200 whose JSON body passes `test`. */
export const answerCheck =
  (test: (answer: Record<string, unknown>) => boolean) =>
  (status: number, body: string): boolean => {
    if (status !== 200) return false;
    try {
      return test(JSON.parse(body) as Record<string, unknown>);
    } catch {
      return false;
    }
  };

export const verified = answerCheck((a) => a.code === 0 && a.currency === 'KZT');
export const depositIssued = answerCheck((a) => a.code === 0 && typeof a.payment_id === 'string');
export const credited = answerCheck((a) => a.code === 0 && a.result === 'credited');
