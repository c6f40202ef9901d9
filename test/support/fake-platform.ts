// A small stateful stand-in for the payment platform's Gate: it knows payments and their statuses,
// checks each request's signature the way the platform's SDK makes it (in general.signature), and
// can fail a payment's next requests with 503 to exercise retries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signValue } from '../../src/protocol/signature/signature.js';

export interface PlatformPayment {
  projectId: number;
  status: string;
  amount: number;
  currency: string;
  /** A Gate gone wrong: its answer names this payment id (and project) instead of the one asked. */
  answersAs?: { paymentId: string; projectId: number };
}

export interface FakePlatform {
  url: string;
  payments: Map<string, PlatformPayment>;
  /** What the Data API answers, paged by limit and offset. */
  operations: Array<Record<string, unknown>>;
  /** Data API requests received (their offsets). */
  pages: number[];
  /** Data API requests received, as signed (the signature left out). */
  dataApiRequests: Array<Record<string, unknown>>;
  /** Answered in turn to the next correctly signed Data API requests, instead of their page. */
  dataApiFaults: Array<{ status: number; body: string }>;
  /** Whether the Data API signs its answers (a proxy in between, say, may strip the signature). */
  signsDataApiAnswers: boolean;
  /** A Data API page at this offset or past it is never answered (a network gone silent). */
  holdsDataApiFrom: number;
  /** The next `times` status requests for `paymentId` answer 503. */
  failNext(paymentId: string, times: number): void;
  /** Status requests received, by payment id. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

/** The Data API's token and the secret issued with it. */
export const DATA_API = { token: 'dashboard-token', secret: 'dashboard-secret' };

export async function startFakePlatform(secrets: Record<number, string>): Promise<FakePlatform> {
  const payments = new Map<string, PlatformPayment>();
  const operations: Array<Record<string, unknown>> = [];
  const pages: number[] = [];
  const dataApiRequests: Array<Record<string, unknown>> = [];
  const dataApiFaults: Array<{ status: number; body: string }> = [];
  const failures = new Map<string, number>();
  const requests = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'POST' && request.url === '/v1/operations/get') {
        const { signature, ...unsigned } = JSON.parse(text) as {
          signature?: string;
          token?: string;
          project_ids?: unknown[];
          interval_from?: string;
          interval_to?: string;
          limit: number;
          offset: number;
        };
        if (unsigned.token !== DATA_API.token || signature !== signValue(unsigned, DATA_API.secret, 'sdk')) {
          return answer(403, { status: 'error', message: 'Invalid token or signature' });
        }
        pages.push(unsigned.offset);
        dataApiRequests.push(unsigned);
        if (unsigned.offset >= fake.holdsDataApiFrom) return;
        const fault = dataApiFaults.shift();
        if (fault) {
          response.writeHead(fault.status, { 'content-type': 'application/json' });
          return response.end(fault.body);
        }
        // The merchant's operations of the projects and the interval asked about (both ends
        // included, "YYYY-MM-DD hh:mm:ss" in UTC), as the Data API answers.
        const within = (at: unknown) =>
          typeof at !== 'string' ||
          ((!unsigned.interval_from || at >= unsigned.interval_from) && (!unsigned.interval_to || at <= unsigned.interval_to));
        const asked = operations.filter(
          (operation) => unsigned.project_ids?.includes(operation.project_id) && within(operation.operation_created_at),
        );
        const page = { operations: asked.slice(unsigned.offset, unsigned.offset + unsigned.limit) };
        return answer(200, fake.signsDataApiAnswers ? { ...page, signature: signValue(page, DATA_API.secret, 'sdk') } : page);
      }
      if (request.method !== 'POST' || request.url !== '/v2/payment/status')
        return answer(404, { errors: [{ code: '404', message: 'no such endpoint' }] });
      const body = JSON.parse(text) as { general?: { project_id?: number; payment_id?: string; signature?: string } };
      const general = body.general ?? {};
      const { signature, ...unsigned } = general;
      const secret = secrets[general.project_id ?? 0];
      if (!secret || signature !== signValue({ ...body, general: unsigned }, secret, 'sdk')) {
        return answer(400, { project_id: general.project_id, errors: [{ code: '1101', message: 'Invalid signature' }] });
      }
      const id = general.payment_id ?? '';
      requests.set(id, (requests.get(id) ?? 0) + 1);
      const failing = failures.get(id) ?? 0;
      if (failing > 0) {
        failures.set(id, failing - 1);
        return answer(503, { errors: [{ code: '503', message: 'temporarily unavailable' }] });
      }
      const payment = payments.get(id);
      if (!payment || payment.projectId !== general.project_id) {
        return answer(404, { project_id: general.project_id, errors: [{ code: '3061', message: 'Transaction not found' }] });
      }
      const sum = { amount: payment.amount, currency: payment.currency };
      answer(200, {
        project_id: payment.answersAs?.projectId ?? payment.projectId,
        payment: {
          id: payment.answersAs?.paymentId ?? id,
          type: 'purchase',
          status: payment.status,
          date: '2026-12-01T09:58:02+0000',
          method: 'kassa24_bvu',
          description: '',
          sum,
        },
        operations: [
          { id: 28, type: 'sale', status: payment.status, code: payment.status === 'success' ? '0' : '20000', sum_initial: sum },
        ],
        errors: [],
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const fake: FakePlatform = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    payments,
    operations,
    pages,
    dataApiRequests,
    dataApiFaults,
    signsDataApiAnswers: true,
    holdsDataApiFrom: Infinity,
    failNext: (paymentId, times) => failures.set(paymentId, times),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
