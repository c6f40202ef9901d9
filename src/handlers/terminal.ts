// POST /terminal: the platform sends verify and check_deposit to one URL, told apart by `type`.
import type { ProjectConfig } from '../config.js';
import type { Outcome } from '../protocol/outcome.js';
import type { CheckDepositResponse, TerminalRequest, VerifyResponse } from '../protocol/types.js';
import { checkDeposit } from './check-deposit.js';
import type { HandlerDeps } from './deps.js';
import { verify } from './verify.js';

export function terminal(
  body: TerminalRequest,
  project: ProjectConfig,
  deps: HandlerDeps,
): Promise<Outcome<VerifyResponse | CheckDepositResponse>> {
  return body.type === 'verify' ? verify(body, deps) : checkDeposit(body, project, deps);
}
