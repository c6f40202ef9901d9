// What each command takes: its options, and whether it names one thing (an account, a payment, a
// callback). An option of another command, or a word too many, is refused rather than ignored:
// `payments list --limit 5` printing every payment, or `payments expire --older-than 15m` expiring
// by the default, would mislead whoever runs it.

/** Every option of every command, as node:util's parseArgs reads them. */
export const OPTIONS = {
  secret: { type: 'string' },
  algorithm: { type: 'string' },
  stamp: { type: 'boolean' },
  'customer-id': { type: 'string' },
  currency: { type: 'string' },
  'additional-id': { type: 'string' },
  status: { type: 'string' },
  'payment-id': { type: 'string' },
  'older-than-days': { type: 'string' },
  url: { type: 'string' },
  project: { type: 'string' },
  amount: { type: 'string' },
  duplicates: { type: 'string' },
  'bad-signature': { type: 'boolean' },
  flagged: { type: 'boolean' },
  rejected: { type: 'boolean' },
  note: { type: 'string' },
  actor: { type: 'string' },
  reason: { type: 'string' },
  'idempotency-key': { type: 'string' },
  'callback-id': { type: 'string' },
  name: { type: 'string' },
  'older-than': { type: 'string' },
  limit: { type: 'string' },
  rate: { type: 'string' },
  file: { type: 'string' },
  format: { type: 'string' },
  map: { type: 'string' },
  'amount-unit': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  apply: { type: 'boolean' },
  role: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = Exclude<keyof typeof OPTIONS, 'help'>;

interface CommandShape {
  readonly options: readonly OptionName[];
  /** The command names one thing after its words: `accounts show ID`. */
  readonly id?: true;
}

export const COMMANDS = {
  sign: { options: ['secret', 'algorithm', 'stamp'] },
  'accounts add': { options: ['customer-id', 'currency', 'additional-id', 'actor'] },
  'accounts import': { options: [] },
  'accounts show': { options: [], id: true },
  'accounts close': { options: ['actor'], id: true },
  'accounts reopen': { options: ['actor'], id: true },
  'payments list': { options: ['customer-id', 'status'] },
  'payments sync': { options: ['older-than', 'limit', 'rate'] },
  'payments check': { options: ['actor'], id: true },
  'payments expire': { options: ['older-than-days'] },
  'callbacks list': { options: ['payment-id', 'flagged', 'rejected'] },
  'callbacks review': { options: ['note', 'actor'], id: true },
  'adjustments add': { options: ['customer-id', 'amount', 'reason', 'idempotency-key', 'callback-id', 'payment-id', 'actor'] },
  'audit list': { options: [] },
  'jobs list': { options: [] },
  reconcile: { options: ['file', 'format', 'map', 'amount-unit', 'from', 'to', 'apply'] },
  'admin-token create': { options: ['name', 'role'] },
  migrate: { options: [] },
  'ledger check': { options: [] },
  'ledger export': { options: ['from', 'to', 'format'] },
  backup: { options: ['to'] },
  restore: { options: ['from'] },
  simulate: { options: ['url', 'project', 'secret', 'customer-id', 'amount', 'status', 'duplicates', 'bad-signature'] },
} as const satisfies Record<string, CommandShape>;

export type CommandName = keyof typeof COMMANDS;

const isCommand = (words: string): words is CommandName => Object.hasOwn(COMMANDS, words);

/**
 * The command the words name, and the thing it names if it takes one; or what is wrong with them.
 * `given` are the options on the command line.
 */
export function readCommand(
  positionals: readonly string[],
  given: readonly string[],
): { command: CommandName; id: string | undefined } | { problem: string } {
  const [first = '', second] = positionals;
  const twoWords = `${first} ${second ?? ''}`;
  const command = isCommand(twoWords) ? twoWords : isCommand(first) ? first : undefined;
  if (command === undefined) {
    const family = Object.keys(COMMANDS).filter((name) => name.startsWith(`${first} `));
    return {
      problem: family.length > 0 ? `${first} needs one of: ${family.join(', ')}` : `unknown command "${positionals.join(' ')}"`,
    };
  }
  const shape: CommandShape = COMMANDS[command];
  const rest = positionals.slice(command.split(' ').length);
  if (rest.length > (shape.id ? 1 : 0)) {
    const extra = rest.slice(shape.id ? 1 : 0).join(' ');
    return { problem: `${command} ${shape.id ? 'takes one id' : 'takes no argument'}; "${extra}" is one too many` };
  }
  const foreign = given.filter((name) => name !== 'help' && !(shape.options as readonly string[]).includes(name));
  if (foreign.length > 0) {
    const takes = shape.options.length > 0 ? `it takes ${shape.options.map((o) => `--${o}`).join(', ')}` : 'it takes none';
    return { problem: `${command} does not take ${foreign.map((o) => `--${o}`).join(', ')} (${takes})` };
  }
  return { command, id: rest[0] };
}

const isOption = (name: string): name is keyof typeof OPTIONS => Object.hasOwn(OPTIONS, name);

/**
 * What is wrong with the options as written, before they are parsed: an option no command takes,
 * a value missing or given to a switch, a value that starts with a dash written apart.
 */
export function optionProblem(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return undefined;
    if (!token.startsWith('--')) continue;
    const [name = '', ...valueParts] = token.slice(2).split('=');
    const inline = valueParts.length > 0;
    if (!isOption(name)) return `unknown option --${name}; --help lists each command's options`;
    if (OPTIONS[name].type === 'boolean') {
      if (inline) return `--${name} is a switch and takes no value: write --${name} alone`;
      continue;
    }
    if (inline) continue;
    const value = argv[i + 1];
    if (value === undefined) return `--${name} takes a value`;
    if (value.startsWith('-')) return `--${name} takes a value; one that starts with a dash is written --${name}=${value}`;
    i++;
  }
  return undefined;
}
