// Environment -> typed, validated configuration. Every mistake is reported with the variable's name
// and what to write instead; nothing secret is ever echoed back.
import { BlockList, isIP } from 'node:net';
import { AdminTokenError, AdminTokens } from './admin/admin-tokens.js';
import { MAX_AGE_DAYS, MAX_AGE_MS } from './ledger/expiry.js';
import { MIN_RATE, parseRate } from './platform/pacing.js';
import { DAY_SETTLES_MS, RECONCILED_DAYS } from './reconcile/days-to-reconcile.js';
import { parseFieldMap, type FieldMap } from './reconcile/records.js';
import type { StoreOptions } from './store/open-store.js';
import { DEFAULT_DATABASE_TIMEOUT_MS, DEFAULT_OPERATOR_TIMEOUT_MS } from './store/store.js';

export interface ProjectConfig {
  readonly id: number;
  /** All accepted; more than one while a key is being rotated. */
  readonly secrets: readonly string[];
  /** Inclusive limits in minor units; undefined means no limit. */
  readonly minAmount?: number;
  readonly maxAmount?: number;
}

export interface DemoAccount {
  readonly customerId: string;
  readonly currency: string;
  readonly additionalCustomerId?: string;
}

/** Where the store is and how long it is waited on: read alike by the service and the CLI. */
export interface DatabaseConfig {
  readonly databaseUrl: string;
  /** PostgreSQL connections per instance for the platform's operations. */
  readonly databasePoolSize: number;
  /** PostgreSQL: the longest the platform's operations wait for a connection or a statement. */
  readonly databaseTimeoutMs: number;
  /** PostgreSQL: the longest an operator's or a job's statement may run (migrations: no limit). */
  readonly databaseOperatorTimeoutMs: number;
}

export interface Config extends DatabaseConfig {
  readonly host: string;
  readonly port: number;
  /**
   * Where /metrics is served (METRICS_PORT, METRICS_HOST) instead of the platform's port, so that it
   * can be kept off the address the platform reaches.
   */
  readonly metricsListener?: { readonly host: string; readonly port: number };
  /** Apply migrations at start-up; off when a deployment runs `cli migrate` once instead. */
  readonly migrateOnStart: boolean;
  readonly projects: ReadonlyMap<number, ProjectConfig>;
  /** Set when no KASSA24_PROJECTS was given: demo projects and accounts are used. */
  readonly demo: boolean;
  readonly demoAccounts: readonly DemoAccount[];
  readonly bodyLimitBytes: number;
  /** Time a request may take, headers and body included, before its connection is closed. */
  readonly requestTimeoutMs: number;
  /** On SIGTERM/SIGINT, how long requests in flight have to finish before their connections close. */
  readonly shutdownGraceMs: number;
  /** When set, only these addresses may call /terminal and /callback. */
  readonly allowedSources?: BlockList;
  /** Take the client address from the last X-Forwarded-For entry (one trusted proxy in front). */
  readonly trustProxy: boolean;
  readonly production: boolean;
  /** The admin API's tokens (ADMIN_TOKENS); undefined: the admin API is off (demo mode makes its own). */
  readonly adminTokens?: AdminTokens;
  /** The platform's Gate (GATE_URL), asked for payment statuses by `payments sync`. */
  readonly gateUrl?: string;
  /** `payments sync` run by the service every this many milliseconds (STATUS_SYNC_INTERVAL); needs GATE_URL. */
  readonly statusSync?: {
    readonly intervalMs: number;
    readonly olderThanMs: number;
    readonly ratePerSecond: number;
    readonly limit: number;
  };
  /** `payments expire` run by the service every this many milliseconds (PAYMENT_EXPIRY_INTERVAL). */
  readonly paymentExpiryIntervalMs?: number;
  /** `ledger check` run by the service every this many milliseconds (LEDGER_CHECK_INTERVAL). */
  readonly ledgerCheckIntervalMs?: number;
  /** The platform's Data API (DATA_API_URL, DATA_API_TOKEN, DATA_API_SECRET), read by `reconcile`. */
  readonly dataApi?: { readonly url: string; readonly token: string; readonly secret: string };
  /**
   * The last week's days compared with the Data API, each once, by the service every this many
   * milliseconds (RECONCILE_INTERVAL; needs the Data API): its operations read by `fields`
   * (DATA_API_FIELDS), missing credits applied when `apply` (RECONCILE_APPLY), a day compared
   * `afterMs` after it ended (RECONCILE_AFTER).
   */
  readonly reconcile?: { readonly intervalMs: number; readonly apply: boolean; readonly fields: FieldMap; readonly afterMs: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEMO_SECRET = 'kassa24-demo-secret';
// The method page's examples use projects 1234 and 111 and these accounts: the spec's examples,
// signed with the demo secret, work against a demo service as they are.
const DEMO_PROJECTS: readonly ProjectConfig[] = [
  { id: 1234, secrets: [DEMO_SECRET] },
  { id: 111, secrets: [DEMO_SECRET] },
];
const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { customerId: '7123456789', currency: 'KZT', additionalCustomerId: 'HFVDW42345' },
  { customerId: 'johndoe@example.com', currency: 'KZT' },
];

const PROJECTS_HELP =
  'KASSA24_PROJECTS must be a JSON object mapping each project id to its secret, to an array of ' +
  'secrets, or to {"secrets": [...], "min_amount": N, "max_amount": N}; for example ' +
  '{"1234": "secret-1", "5678": ["new-secret", "old-secret"]}';

function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function parseSecrets(projectKey: string, value: unknown): string[] {
  const secrets = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigError(`KASSA24_PROJECTS["${projectKey}"]: give a secret or a non-empty array of secrets. ${PROJECTS_HELP}`);
  }
  secrets.forEach((secret, index) => {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new ConfigError(`KASSA24_PROJECTS["${projectKey}"]: secret #${index + 1} must be a non-empty string`);
    }
  });
  return secrets as string[];
}

function parseProject(key: string, value: unknown): ProjectConfig {
  const id = Number(key);
  if (!/^[1-9][0-9]*$/.test(key) || !Number.isSafeInteger(id)) {
    throw new ConfigError(`KASSA24_PROJECTS: "${key}" is not a project id (a positive integer). ${PROJECTS_HELP}`);
  }
  if (typeof value === 'string' || Array.isArray(value)) return { id, secrets: parseSecrets(key, value) };
  if (value === null || typeof value !== 'object') throw new ConfigError(`KASSA24_PROJECTS["${key}"]: ${PROJECTS_HELP}`);
  const { secret, secrets, min_amount: minAmount, max_amount: maxAmount, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new ConfigError(
      `KASSA24_PROJECTS["${key}"]: unknown setting(s) ${unknown.join(', ')}; allowed: secrets (or secret), min_amount, max_amount`,
    );
  }
  for (const [name, limit] of [
    ['min_amount', minAmount],
    ['max_amount', maxAmount],
  ] as const) {
    if (limit !== undefined && !positiveInteger(limit)) {
      throw new ConfigError(`KASSA24_PROJECTS["${key}"].${name} must be a positive integer in minor units`);
    }
  }
  if (positiveInteger(minAmount) && positiveInteger(maxAmount) && minAmount > maxAmount) {
    throw new ConfigError(`KASSA24_PROJECTS["${key}"]: min_amount ${minAmount} is above max_amount ${maxAmount}`);
  }
  return {
    id,
    secrets: parseSecrets(key, secrets ?? secret),
    ...(minAmount !== undefined && { minAmount: minAmount as number }),
    ...(maxAmount !== undefined && { maxAmount: maxAmount as number }),
  };
}

export function parseProjects(text: string): Map<number, ProjectConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`KASSA24_PROJECTS is not valid JSON. ${PROJECTS_HELP}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(PROJECTS_HELP);
  const projects = new Map<number, ProjectConfig>();
  for (const [key, value] of Object.entries(raw)) {
    const project = parseProject(key, value);
    projects.set(project.id, project);
  }
  if (projects.size === 0) throw new ConfigError(`KASSA24_PROJECTS names no project. ${PROJECTS_HELP}`);
  return projects;
}

function parsePort(name: string, text: string): number {
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || port > 65535) throw new ConfigError(`${name} must be an integer from 0 to 65535, got "${text}"`);
  return port;
}

function parseBoolean(name: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined || text === '') return fallback;
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}

function parsePoolSize(text: string | undefined): number {
  if (text === undefined || text === '') return 10;
  const size = Number(text);
  if (!/^[0-9]+$/.test(text) || size < 1 || size > 1000)
    throw new ConfigError(`DATABASE_POOL_SIZE must be an integer from 1 to 1000, got "${text}"`);
  return size;
}

// The longest delay Node.js keeps a timer for (a signed 32-bit count of milliseconds, about 24.8
// days): a longer one fires after 1 ms, which would run a job without pause and cut every wait short.
const MAX_TIMER_MS = 2_147_483_647;

function parseTimeout(name: string, text: string | undefined, byDefault: number): number {
  if (text === undefined || text === '') return byDefault;
  const ms = Number(text);
  if (!/^[0-9]+$/.test(text) || ms < 100 || ms > MAX_TIMER_MS) {
    throw new ConfigError(`${name} must be an integer from 100 to ${MAX_TIMER_MS}, got "${text}"`);
  }
  return ms;
}

/** "203.0.113.7, 198.51.100.0/24, 2001:db8::/32" -> a BlockList of allowed sources. */
export function parseAllowedSources(text: string | undefined): BlockList | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const list = new BlockList();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (prefix !== undefined && (!/^[0-9]+$/.test(prefix) || bits! > maxBits))) {
      throw new ConfigError(`ALLOWED_SOURCES: "${entry}" is not an IP address or CIDR range (e.g. 203.0.113.7 or 198.51.100.0/24)`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

function parseAdminTokens(text: string | undefined): AdminTokens | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return AdminTokens.parse(text);
  } catch (error) {
    if (error instanceof AdminTokenError) throw new ConfigError(error.message);
    throw error;
  }
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * A platform URL. Its answers move money (a status the Gate names is applied; the Data API's answer
 * may come unsigned) and its requests carry credentials, so plain http is for a loopback address
 * only: a local mock, or a proxy on the same host that speaks TLS onward.
 */
function parseUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as https://gate.example.com, got "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL, got "${text}"`);
  if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
    throw new ConfigError(
      `${name} must be https, got "${text}": what the platform answers there is applied to the ledger, and plain http could be altered on the way (http is accepted to a loopback address only)`,
    );
  }
  return text.replace(/\/+$/, '');
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function parseDurationSetting(name: string, text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new ConfigError(`${name} must be a duration such as 30s, 15m or 1h, got "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** How long a payment has been pending (STATUS_SYNC_OLDER_THAN, `payments sync --older-than`). */
export function parseAgeSetting(name: string, text: string): number {
  const ms = parseDurationSetting(name, text);
  if (ms > MAX_AGE_MS) throw new ConfigError(`${name} must be at most ${MAX_AGE_DAYS}d, got "${text}"`);
  return ms;
}

function parseStatusSync(env: NodeJS.ProcessEnv): { statusSync?: Config['statusSync'] } {
  const interval = env.STATUS_SYNC_INTERVAL?.trim();
  if (!interval) return {};
  if (!env.GATE_URL?.trim()) throw new ConfigError('STATUS_SYNC_INTERVAL needs GATE_URL: the payments sync asks the Gate');
  const intervalMs = jobInterval('STATUS_SYNC_INTERVAL', interval);
  const rate = parseRate(env.STATUS_SYNC_RATE?.trim() || '5');
  if (rate === undefined) {
    throw new ConfigError(`STATUS_SYNC_RATE must be a number of requests a second from ${MIN_RATE} up, got "${env.STATUS_SYNC_RATE}"`);
  }
  return {
    statusSync: {
      intervalMs,
      olderThanMs: parseAgeSetting('STATUS_SYNC_OLDER_THAN', env.STATUS_SYNC_OLDER_THAN?.trim() || '15m'),
      ratePerSecond: rate,
      limit: 1000,
    },
  };
}

/** The interval of a job the service runs when `name` is set. */
function parseJobInterval(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const interval = env[name]?.trim();
  return interval ? jobInterval(name, interval) : undefined;
}

/** A job's interval: a duration from a second to 24 days. */
function jobInterval(name: string, interval: string): number {
  const intervalMs = parseDurationSetting(name, interval);
  if (intervalMs < 1000) throw new ConfigError(`${name} must be at least 1s`);
  if (intervalMs > MAX_TIMER_MS) throw new ConfigError(`${name} must be at most 24d, the longest timer Node.js keeps, got "${interval}"`);
  return intervalMs;
}

function parseJobs(env: NodeJS.ProcessEnv): Pick<Config, 'paymentExpiryIntervalMs' | 'ledgerCheckIntervalMs'> {
  const paymentExpiryIntervalMs = parseJobInterval(env, 'PAYMENT_EXPIRY_INTERVAL');
  const ledgerCheckIntervalMs = parseJobInterval(env, 'LEDGER_CHECK_INTERVAL');
  return {
    ...(paymentExpiryIntervalMs !== undefined && { paymentExpiryIntervalMs }),
    ...(ledgerCheckIntervalMs !== undefined && { ledgerCheckIntervalMs }),
  };
}

function parseReconcile(env: NodeJS.ProcessEnv, dataApi: Config['dataApi']): { reconcile?: Config['reconcile'] } {
  const interval = env.RECONCILE_INTERVAL?.trim();
  if (!interval) return {};
  if (!dataApi) {
    throw new ConfigError(
      'RECONCILE_INTERVAL needs DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET: the reconciliation reads the Data API',
    );
  }
  let fields: FieldMap;
  try {
    fields = parseFieldMap(env.DATA_API_FIELDS);
  } catch (error) {
    throw new ConfigError(`DATA_API_FIELDS: ${(error as Error).message.replace(/^--map: /, '')}`);
  }
  return {
    reconcile: {
      intervalMs: jobInterval('RECONCILE_INTERVAL', interval),
      apply: parseBoolean('RECONCILE_APPLY', env.RECONCILE_APPLY, false),
      fields,
      afterMs: parseReconcileAfter(env.RECONCILE_AFTER?.trim()),
    },
  };
}

/** How long after a UTC day ends the service compares it: the Data API's lag, at most the week compared. */
function parseReconcileAfter(text: string | undefined): number {
  if (!text) return DAY_SETTLES_MS;
  const afterMs = parseDurationSetting('RECONCILE_AFTER', text);
  if (afterMs > RECONCILED_DAYS * UNIT_MS.d) throw new ConfigError(`RECONCILE_AFTER must be at most ${RECONCILED_DAYS}d, got "${text}"`);
  return afterMs;
}

function parseDataApi(env: NodeJS.ProcessEnv): { dataApi?: Config['dataApi'] } {
  const url = env.DATA_API_URL?.trim();
  const token = env.DATA_API_TOKEN?.trim();
  const secret = env.DATA_API_SECRET?.trim();
  if (!url && !token && !secret) return {};
  if (!url || !token || !secret) {
    throw new ConfigError(
      'DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET go together: the Dashboard API token and the secret issued with it',
    );
  }
  return { dataApi: { url: parseUrl('DATA_API_URL', url), token, secret } };
}

function parseBodyLimit(text: string | undefined): number {
  if (text === undefined || text === '') return 64 * 1024;
  const limit = Number(text);
  if (!/^[0-9]+$/.test(text) || limit < 1024) throw new ConfigError(`BODY_LIMIT_BYTES must be an integer of at least 1024, got "${text}"`);
  return limit;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/kassa24.db';

/** What openStore is given of a DatabaseConfig, by the service and the CLI alike. */
export function storeOptionsOf(config: DatabaseConfig): StoreOptions {
  return { poolSize: config.databasePoolSize, timeoutMs: config.databaseTimeoutMs, operatorTimeoutMs: config.databaseOperatorTimeoutMs };
}

export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return {
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    databasePoolSize: parsePoolSize(env.DATABASE_POOL_SIZE),
    databaseTimeoutMs: parseTimeout('DATABASE_TIMEOUT_MS', env.DATABASE_TIMEOUT_MS, DEFAULT_DATABASE_TIMEOUT_MS),
    databaseOperatorTimeoutMs: parseTimeout('DATABASE_OPERATOR_TIMEOUT_MS', env.DATABASE_OPERATOR_TIMEOUT_MS, DEFAULT_OPERATOR_TIMEOUT_MS),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const projectsText = env.KASSA24_PROJECTS?.trim();
  const demo = !projectsText;
  const projects = demo ? new Map(DEMO_PROJECTS.map((p) => [p.id, p])) : parseProjects(projectsText);
  if (production) {
    if (demo) throw new ConfigError('NODE_ENV=production: set KASSA24_PROJECTS; the demo projects are for trying the service out only');
    for (const project of projects.values()) {
      if (project.secrets.includes(DEMO_SECRET)) {
        throw new ConfigError(
          `NODE_ENV=production: project ${project.id} uses the public demo secret; set its real secret in KASSA24_PROJECTS`,
        );
      }
    }
  }
  const host = env.HOST || '0.0.0.0';
  const port = env.PORT ? parsePort('PORT', env.PORT) : 8080;
  const dataApi = parseDataApi(env);
  const metricsPort = env.METRICS_PORT?.trim() ? parsePort('METRICS_PORT', env.METRICS_PORT.trim()) : undefined;
  if (metricsPort === undefined && env.METRICS_HOST?.trim()) throw new ConfigError('METRICS_HOST is set without METRICS_PORT');
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError(`METRICS_PORT must differ from PORT (both ${port}): /metrics moves to a listener of its own`);
  }
  return {
    host,
    port,
    ...(metricsPort !== undefined && { metricsListener: { host: env.METRICS_HOST?.trim() || host, port: metricsPort } }),
    ...loadDatabaseConfig(env),
    migrateOnStart: parseBoolean('MIGRATE_ON_START', env.MIGRATE_ON_START, true),
    projects,
    demo,
    demoAccounts: demo ? DEMO_ACCOUNTS : [],
    bodyLimitBytes: parseBodyLimit(env.BODY_LIMIT_BYTES),
    requestTimeoutMs: parseTimeout('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 30_000),
    shutdownGraceMs: parseTimeout('SHUTDOWN_GRACE_MS', env.SHUTDOWN_GRACE_MS, 10_000),
    ...(env.ALLOWED_SOURCES?.trim() && { allowedSources: parseAllowedSources(env.ALLOWED_SOURCES) }),
    trustProxy: parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false),
    production,
    ...(env.ADMIN_TOKENS?.trim() && { adminTokens: parseAdminTokens(env.ADMIN_TOKENS) }),
    ...(env.GATE_URL?.trim() && { gateUrl: parseUrl('GATE_URL', env.GATE_URL.trim()) }),
    ...dataApi,
    ...parseReconcile(env, dataApi.dataApi),
    ...parseStatusSync(env),
    ...parseJobs(env),
  };
}
