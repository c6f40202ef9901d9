// Plays the payment platform in tests: builds the three calls, signs them, posts them.
import type { components } from '../../generated/openapi-types.js';
import { signValue, type SignatureAlgorithm } from '../../src/protocol/signature/signature.js';

export const DEMO_SECRET = 'kassa24-demo-secret';

export function signed<T extends object>(body: T, secret = DEMO_SECRET): T & { signature: string } {
  return { ...body, signature: signValue(body, secret) };
}

export interface SigningChoice {
  algorithm: SignatureAlgorithm;
  place: 'top' | 'general';
  secret?: string;
}

/** `body` signed under `algorithm`, the signature put at the top or in `general` (added if absent). */
export function signedAs<T extends object>(body: T, { algorithm, place, secret = DEMO_SECRET }: SigningChoice): object {
  const signature = signValue(body, secret, algorithm);
  if (place === 'top') return { ...body, signature };
  const general = (body as { general?: object }).general ?? {};
  return { ...body, general: { ...general, signature } };
}

export const verifyRequest = (customerId: string, projectId = 1234) => ({
  type: 'verify',
  customer_id: customerId,
  project_id: projectId,
});

export const checkDepositRequest = (customerId: string, amount: number, projectId = 1234, currency = 'KZT') => ({
  type: 'check_deposit',
  project_id: projectId,
  customer_id: customerId,
  amount,
  currency,
  payment_method: 'kassa24_bvu',
});

/** The method page's callback, for a payment of ours. */
export function callbackBody(paymentId: string, amount: number, status = 'success', projectId = 1234, currency = 'KZT') {
  const operationStatus = status === 'success' ? 'success' : status;
  return {
    project_id: projectId,
    payment: {
      id: paymentId,
      type: 'purchase',
      status,
      date: '2022-03-25T11:08:45+0000',
      method: 'kassa24_bvu',
      sum: { amount, currency },
      description: '',
    },
    account: { number: '123456' },
    customer: { id: 'customer_123' },
    operation: {
      id: 28,
      type: 'sale',
      status: operationStatus,
      date: '2022-03-25T11:08:45+0000',
      created_date: '2022-03-25T11:08:05+0000',
      request_id: '9e32835fb27907e0b08569d7d150e387a16a80e336c5117242b5cf60a4e17839',
      sum_initial: { amount, currency },
      sum_converted: { amount, currency },
      code: status === 'success' ? '0' : '20000',
      message: status === 'success' ? 'Success' : 'General decline',
      provider: { id: 12345, payment_id: '123abc123-321', auth_code: '' },
    },
  };
}

type Schemas = components['schemas'];
type ContractAnswer =
  Schemas['VerifyResponse'] | Schemas['CheckDepositResponse'] | Schemas['ErrorResponse'] | Schemas['CallbackAck'] | Schemas['Health'];
type KeysOf<U> = U extends unknown ? keyof U : never;
type ValueOf<U, K extends PropertyKey> = U extends { [P in K]?: infer V } ? V : never;
/** Any answer body of the contract, seen as one object whose fields may each be absent. */
export type AnswerBody = { [K in KeysOf<ContractAnswer>]?: ValueOf<ContractAnswer, K> };

export interface Answer {
  status: number;
  body: AnswerBody;
}

export async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as AnswerBody };
}
