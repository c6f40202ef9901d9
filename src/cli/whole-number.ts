// Whole numbers on the command line as an operator writes them: digits with an optional minus. What
// Number() would also take (25.00, 1e3, 0x10, padding) is refused, not read as a number nobody wrote.
import { CliError } from './cli-error.js';

const WHOLE = /^-?(0|[1-9][0-9]*)$/;

/** The whole number `text` writes, exactly; otherwise a CliError naming `option`, followed by `usage`. */
export function wholeNumber(text: string | undefined, option: string, usage: string): number {
  if (text === undefined || !WHOLE.test(text)) throw new CliError(`${option} takes a whole number\n${usage}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new CliError(`${option} is beyond ±${Number.MAX_SAFE_INTEGER}, the largest whole number kept exactly\n${usage}`);
  return value;
}
