// The Gate's payment-status request (openapi/platform/gate.yaml) through openapi-fetch typed by the
// generated types: signed with the platform SDK's algorithm in `general.signature`, the answer
// checked by the generated validator and kept as text (it is stored as the callback's raw body).
import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/platform/gate/openapi-types.js';
import { schemaValidators } from '../../generated/platform/gate/validators.js';
import { unstorableFields } from '../store/storable-text.js';
import { signValue } from '../protocol/signature/signature.js';

export type GateAnswer = components['schemas']['PaymentStatusAnswer'];

/** A Gate answer, or why there is none. `transient`: worth asking again (5xx, timeout, network). */
export type GateResult = { answer: GateAnswer; text: string; status: number } | { failed: 'transient' | 'refused'; detail: string };

export interface GateClient {
  /** `stop`, once aborted, gives up the question in flight (answered as not answered). */
  paymentStatus(projectId: number, paymentId: string, secret: string, stop?: AbortSignal): Promise<GateResult>;
}

export function gateClient(baseUrl: string, timeoutMs = 10_000): GateClient {
  const client = createClient<paths>({ baseUrl });
  return {
    async paymentStatus(projectId, paymentId, secret, stop) {
      const unsigned = { general: { project_id: projectId, payment_id: paymentId } };
      const body = { general: { ...unsigned.general, signature: signValue(unsigned, secret, 'sdk') } };
      let answered;
      try {
        answered = await client.POST('/v2/payment/status', {
          body,
          parseAs: 'text',
          signal: stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return { failed: 'transient', detail: `no answer from the Gate: ${error instanceof Error ? error.message : String(error)}` };
      }
      const { response } = answered;
      // A success comes as the text received (parseAs); openapi-fetch hands an error's body parsed.
      const raw: unknown = answered.data ?? answered.error ?? '';
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (response.status >= 500 || response.status === 429) {
        return { failed: 'transient', detail: `the Gate answered HTTP ${response.status}` };
      }
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        return { failed: 'refused', detail: `the Gate answered HTTP ${response.status} with a body that is not JSON` };
      }
      if (!schemaValidators.PaymentStatusAnswer(answer)) {
        return {
          failed: 'refused',
          detail: `the Gate's answer breaks openapi/platform/gate.yaml: ${JSON.stringify(schemaValidators.PaymentStatusAnswer.errors)}`,
        };
      }
      // What is kept in columns of its own (the status, the sum's currency, what the errors say, and
      // the id when it is not ours); the rest only in the raw text, as JSON escapes.
      const { payment, errors } = answer;
      const kept = { payment: { id: payment?.id, status: payment?.status, sum: { currency: payment?.sum?.currency } }, errors };
      const [unstorable] = unstorableFields(kept);
      if (unstorable) return { failed: 'refused', detail: `the Gate's answer cannot be kept: ${unstorable.field} ${unstorable.refusal}` };
      return { answer, text, status: response.status };
    },
  };
}
