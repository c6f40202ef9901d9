// `payments sync`: asks the Gate about pending payments and applies the final statuses it names;
// `payments check`: the same for one payment, now.
import { gateClient } from '../platform/gate-client.js';
import { MIN_RATE, parseRate } from '../platform/pacing.js';
import {
  checkPaymentStatus,
  OPERATOR_QUESTION,
  parseDuration,
  syncPendingPayments,
  type SyncLine,
  type SyncSummary,
} from '../platform/status-sync.js';
import type { Store } from '../store/store.js';
import { loadCliConfig } from './cli-config.js';
import { CliError } from './cli-error.js';
import { wholeNumber } from './whole-number.js';

const SYNC_USAGE =
  'usage: payments sync [--older-than 15m] [--limit 1000] [--rate 5]  (GATE_URL and KASSA24_PROJECTS from the environment)';

export interface SyncCommandOptions {
  olderThan?: string;
  limit?: string;
  rate?: string;
}

function rateOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const rate = parseRate(text);
  if (rate === undefined) throw new CliError(`--rate takes a number of requests a second from ${MIN_RATE} up\n${SYNC_USAGE}`);
  return rate;
}

function atLeastOne(text: string | undefined, fallback: number, option: string): number {
  const value = text === undefined ? fallback : wholeNumber(text, option, SYNC_USAGE);
  if (value < 1) throw new CliError(`${option} takes a whole number of 1 or more\n${SYNC_USAGE}`);
  return value;
}

export const CHECK_USAGE = 'usage: payments check PAYMENT_ID [--actor NAME]  (GATE_URL and KASSA24_PROJECTS from the environment)';

function gateUrlOf(url: string | undefined, usage: string): string {
  if (!url) throw new CliError(`GATE_URL is not set: it names the platform's Gate (ask the platform for it)\n${usage}`);
  return url;
}

/** Asks the Gate about one payment, whatever its status, and applies a final status it names. */
export async function checkCommand(store: Store, paymentId: string, actor: string): Promise<SyncLine> {
  const config = loadCliConfig();
  const gate = gateClient(gateUrlOf(config.gateUrl, CHECK_USAGE), OPERATOR_QUESTION.timeoutMs);
  const found = await (await store.operatorReads()).payment(paymentId);
  if (!found) throw new CliError(`payment ${paymentId} does not exist`, 1);
  return checkPaymentStatus({ store, gate, projects: config.projects, retry: OPERATOR_QUESTION.retry }, found.payment, actor);
}

export async function syncCommand(store: Store, options: SyncCommandOptions, out: (line: SyncLine) => void): Promise<SyncSummary> {
  const config = loadCliConfig();
  const olderThanMs = parseDuration(options.olderThan ?? '15m');
  if (olderThanMs === undefined) throw new CliError(`--older-than takes a duration such as 15m, 2h or 1d, at most 36500d\n${SYNC_USAGE}`);
  return syncPendingPayments({
    store,
    gate: gateClient(gateUrlOf(config.gateUrl, SYNC_USAGE)),
    projects: config.projects,
    olderThanMs,
    limit: atLeastOne(options.limit, 1000, '--limit'),
    ratePerSecond: rateOf(options.rate, 5),
    retry: { attempts: 4, firstPauseMs: 500 },
    report: out,
  });
}
