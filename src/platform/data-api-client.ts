// The Data API's operations of a period (openapi/platform/data-api.yaml), a page of up to 1000 at a
// time until a short page, through openapi-fetch typed by the generated types: each request signed
// with the token's secret (the platform SDK's algorithm), each answer checked against the spec, which
// requires its signature: reconciliation reads only what the platform signed.
import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/platform/data-api/openapi-types.js';
import { schemaValidators } from '../../generated/platform/data-api/validators.js';
import { checkSignature, decodeForSigning, signValue } from '../protocol/signature/signature.js';
import { withRetry, type RetryPolicy, type Sleep } from './pacing.js';

export type DataApiOperation = components['schemas']['Operation'];

export interface DataApiSettings {
  url: string;
  token: string;
  secret: string;
}

export interface OperationsQuery {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  projectIds: readonly number[];
  fields: readonly string[];
}

export class DataApiError extends Error {
  override name = 'DataApiError';
}

const PAGE = 1000;
// A page the Data API has not answered in a minute is asked again (a transient failure).
const PAGE_TIMEOUT_MS = 60_000;
// The Data API takes "YYYY-MM-DD hh:mm:ss" in the time zone it is told: UTC here.
const platformTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export async function* dataApiOperations(
  settings: DataApiSettings,
  query: OperationsQuery,
  retry: RetryPolicy = { attempts: 4, firstPauseMs: 1000 },
  sleep?: Sleep,
  stop?: AbortSignal,
): AsyncGenerator<DataApiOperation> {
  const client = createClient<paths>({ baseUrl: settings.url });
  for (let offset = 0; ; offset += PAGE) {
    if (stop?.aborted) throw new DataApiError(`the fetch was stopped at offset ${offset}`);
    const unsigned = {
      token: settings.token,
      interval_from: platformTime(Date.parse(query.from)),
      interval_to: platformTime(Date.parse(query.to) - 1000),
      time_zone: 'UTC',
      project_ids: [...query.projectIds],
      fields: [...query.fields],
      limit: PAGE,
      offset,
    };
    const body = { ...unsigned, signature: signValue(unsigned, settings.secret, 'sdk') };
    const answered = await withRetry(
      async () => {
        try {
          const timeout = AbortSignal.timeout(PAGE_TIMEOUT_MS);
          const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
          const { data, error, response } = await client.POST('/v1/operations/get', { body, parseAs: 'text', signal });
          return { status: response.status, text: typeof data === 'string' ? data : JSON.stringify(error ?? '') };
        } catch (error) {
          return { status: 0, text: error instanceof Error ? error.message : String(error) };
        }
      },
      (r) => r.status === 0 || r.status === 429 || r.status >= 500,
      retry,
      sleep,
      stop,
    );
    if (stop?.aborted) throw new DataApiError(`the fetch was stopped at offset ${offset}`);
    if (answered.status !== 200)
      throw new DataApiError(`the Data API answered ${answered.status || 'nothing'} at offset ${offset}: ${answered.text.slice(0, 300)}`);
    let answer: unknown;
    try {
      answer = JSON.parse(answered.text);
    } catch {
      throw new DataApiError(`the Data API's answer at offset ${offset} is not JSON`);
    }
    if (!schemaValidators.OperationsAnswer(answer)) {
      throw new DataApiError(
        `the Data API's answer at offset ${offset} breaks openapi/platform/data-api.yaml: ${JSON.stringify(schemaValidators.OperationsAnswer.errors)}`,
      );
    }
    if (!checkSignature(decodeForSigning(answered.text), [settings.secret]).ok) {
      throw new DataApiError(`the Data API's answer at offset ${offset} is not signed with DATA_API_SECRET`);
    }
    yield* answer.operations;
    if (answer.operations.length < PAGE) return;
  }
}
