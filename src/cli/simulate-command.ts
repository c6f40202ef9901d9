// `cli simulate`: plays the payment platform against a service (or the mock) through the client
// partners generate from the spec: signed verify -> check_deposit -> callback (+ duplicates),
// each exchange printed, each answer validated against the contract. Prefer headers name the
// answer expected, so a Prism mock serves the matching example; the real service ignores them.
import { Configuration, PlatformApi } from '../../generated/client/index.js';
import { schemaValidators } from '../../generated/validators.js';
import { signingMiddleware } from '../protocol/signature/fetch-signer.js';
import { CliError } from './cli-error.js';

export interface SimulateOptions {
  url: string;
  project: number;
  secret: string;
  customerId: string;
  amount: number;
  status: 'success' | 'decline';
  duplicates: number;
  badSignature: boolean;
  out: (line: string) => void;
}

interface Exchange {
  status: number;
  body: unknown;
}

type Schema = keyof typeof schemaValidators;

export async function simulate(options: SimulateOptions): Promise<number> {
  const { out } = options;
  const secret = options.badSignature ? `${options.secret}-deliberately-wrong` : options.secret;
  let failures = 0;

  const client = (prefer: string) =>
    new PlatformApi(
      new Configuration({
        basePath: options.url.replace(/\/$/, ''),
        fetchApi: fetch,
        headers: { Prefer: prefer },
        middleware: [signingMiddleware(secret)],
      }),
    );

  const answerOf = async (call: () => Promise<{ raw: Response }>): Promise<Exchange> => {
    let response: Response;
    try {
      response = (await call()).raw;
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw new CliError(`cannot reach ${options.url}: ${(thrown as Error).message}`, 1);
      response = thrown;
    }
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  };

  const check = (what: string, answer: Exchange, schema: Schema, expect: (body: Record<string, unknown>) => string | undefined) => {
    out(`  <- ${answer.status} ${JSON.stringify(answer.body)}`);
    const validate = schemaValidators[schema] as ((data: unknown) => boolean) & {
      errors?: Array<{ instancePath: string; message?: string }> | null;
    };
    if (!validate(answer.body)) {
      failures++;
      const error = validate.errors?.[0];
      out(`  CONTRACT BREAK in ${what}: the answer is not a ${schema} (${error?.instancePath || 'body'} ${error?.message ?? ''})`);
      return;
    }
    const problem = expect(answer.body as Record<string, unknown>);
    if (problem) {
      failures++;
      out(`  UNEXPECTED in ${what}: ${problem}`);
    } else {
      out(`  ok: ${schema}`);
    }
  };
  const expectCode = (expected: number) => (body: Record<string, unknown>) =>
    body.code === expected
      ? undefined
      : `code ${JSON.stringify(body.code)}, expected ${expected}${body.error_description ? ` (${JSON.stringify(body.error_description)})` : ''}`;
  const bad = options.badSignature;

  out(`-> POST /terminal verify customer_id=${options.customerId} project_id=${options.project}${bad ? ' (signed with a wrong key)' : ''}`);
  const verify = await answerOf(() =>
    client(bad ? 'code=200, example=signature_invalid' : 'code=200, example=verify_success').terminalRaw({
      terminalRequest: { type: 'verify', customer_id: options.customerId, project_id: options.project } as never,
    }),
  );
  if (verify.status !== 200) {
    failures++;
    out(`  <- ${verify.status} ${JSON.stringify(verify.body)}`);
    out(`  UNEXPECTED in verify: HTTP ${verify.status}; /terminal answers 200`);
  } else check('verify', verify, 'TerminalResponse', expectCode(bad ? 400 : 0));

  out(`-> POST /terminal check_deposit amount=${options.amount} KZT`);
  const deposit = await answerOf(() =>
    client(bad ? 'code=200, example=signature_invalid' : 'code=200, example=check_deposit_success').terminalRaw({
      terminalRequest: {
        type: 'check_deposit',
        customer_id: options.customerId,
        project_id: options.project,
        amount: options.amount,
        currency: 'KZT',
        payment_method: 'kassa24_bvu',
      } as never,
    }),
  );
  check('check_deposit', deposit, 'TerminalResponse', expectCode(bad ? 400 : 0));
  const paymentId = (deposit.body as { payment_id?: string }).payment_id ?? `simulated-${Date.now()}`;

  const callback = {
    project_id: options.project,
    payment: {
      id: paymentId,
      type: 'purchase',
      status: options.status,
      date: new Date().toISOString().replace(/\.\d{3}Z$/, '+0000'),
      method: 'kassa24_bvu',
      sum: { amount: options.amount, currency: 'KZT' },
      description: '',
    },
    operation: {
      id: Date.now(),
      type: 'sale',
      status: options.status,
      sum_initial: { amount: options.amount, currency: 'KZT' },
      sum_converted: { amount: options.amount, currency: 'KZT' },
      code: options.status === 'success' ? '0' : '20000',
      message: options.status === 'success' ? 'Success' : 'Decline',
    },
  };
  for (let delivery = 0; delivery <= options.duplicates; delivery++) {
    out(`-> POST /callback payment.id=${paymentId} status=${options.status}${delivery ? ` (delivery ${delivery + 1})` : ''}`);
    const answer = await answerOf(() =>
      client(bad ? 'code=403' : `code=200, example=${delivery ? 'duplicate' : 'credited'}`).callbackRaw({ callback: callback }),
    );
    if (bad) {
      check('callback', answer, 'ErrorResponse', () => (answer.status === 200 ? 'HTTP 200 for a wrongly signed callback' : undefined));
    } else if (answer.status !== 200) {
      out(`  <- ${answer.status} ${JSON.stringify(answer.body)}`);
      failures++;
      out(`  UNEXPECTED in callback: HTTP ${answer.status}; the platform would deliver it again`);
    } else {
      check('callback', answer, 'CallbackAck', expectCode(0));
    }
  }
  out(failures === 0 ? 'simulation passed' : `simulation FAILED: ${failures} problem(s)`);
  return failures === 0 ? 0 : 1;
}
