// One autocannon run against one endpoint: bodies prepared beforehand (the load generator shares
// the machine, so it must not sign on the hot path), every answer checked.
import autocannon from 'autocannon';

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
  bodies: string[];
  /** Whether a body may be sent again once all were sent (false: stop counting as errors). */
  cycle: boolean;
  check: (status: number, body: string) => boolean;
  connections: number;
  durationSeconds: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let next = 0;
  let wrong = 0;
  let exhausted = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          if (next >= spec.bodies.length) {
            if (!spec.cycle) exhausted++;
            next = 0;
          }
          return { ...request, body: spec.bodies[next++] };
        },
        onResponse: (status, body) => {
          if (!spec.check(status, body)) wrong++;
        },
      },
    ],
  });
  if (exhausted > 0) throw new Error(`${spec.path}: ran out of prepared bodies; prepare more`);
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: wrong + result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

export const echoCheck = (status: number, body: string) => status === 200 && body.startsWith('{');
