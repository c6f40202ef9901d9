import { describe, expect, it } from 'vitest';
import { COMMANDS, optionProblem, OPTIONS, readCommand } from '../../src/cli/command-shapes.js';

describe('reading a command line', () => {
  it('names the command of one or two words, and the id of one that takes an id', () => {
    expect(readCommand(['migrate'], [])).toEqual({ command: 'migrate', id: undefined });
    expect(readCommand(['payments', 'list'], ['customer-id', 'status'])).toEqual({ command: 'payments list', id: undefined });
    expect(readCommand(['accounts', 'show', '7123456789'], [])).toEqual({ command: 'accounts show', id: '7123456789' });
    expect(readCommand(['callbacks', 'review', '17'], ['note', 'help'])).toEqual({ command: 'callbacks review', id: '17' });
  });

  it("refuses an option of another command instead of ignoring it, naming the command's own", () => {
    expect(readCommand(['payments', 'list'], ['limit'])).toEqual({
      problem: 'payments list does not take --limit (it takes --customer-id, --status)',
    });
    expect(readCommand(['payments', 'expire'], ['older-than', 'apply'])).toEqual({
      problem: 'payments expire does not take --older-than, --apply (it takes --older-than-days)',
    });
    expect(readCommand(['ledger', 'check'], ['format'])).toEqual({ problem: 'ledger check does not take --format (it takes none)' });
  });

  it('refuses a word too many, and says what a first word alone needs', () => {
    expect(readCommand(['payments', 'list', 'pending'], [])).toEqual({
      problem: 'payments list takes no argument; "pending" is one too many',
    });
    expect(readCommand(['accounts', 'close', 'a', 'b'], [])).toEqual({ problem: 'accounts close takes one id; "b" is one too many' });
    expect(readCommand(['reconcile', 'now'], [])).toEqual({ problem: 'reconcile takes no argument; "now" is one too many' });
    expect(readCommand(['ledger'], [])).toEqual({ problem: 'ledger needs one of: ledger check, ledger export' });
    expect(readCommand(['refund', 'all'], [])).toEqual({ problem: 'unknown command "refund all"' });
  });

  it('gives every option to some command', () => {
    const used = new Set(Object.values(COMMANDS).flatMap((shape) => shape.options));
    expect(Object.keys(OPTIONS).filter((name) => name !== 'help' && !used.has(name as never))).toEqual([]);
  });
});

describe('options as written', () => {
  it('says what is wrong with an option before anything is parsed', () => {
    expect(optionProblem(['payments', 'list', '--bogus'])).toBe("unknown option --bogus; --help lists each command's options");
    expect(optionProblem(['adjustments', 'add', '--amount', '-500'])).toBe(
      '--amount takes a value; one that starts with a dash is written --amount=-500',
    );
    expect(optionProblem(['payments', 'list', '--status'])).toBe('--status takes a value');
    expect(optionProblem(['callbacks', 'list', '--flagged=yes'])).toBe('--flagged is a switch and takes no value: write --flagged alone');
  });

  it('lets through what parses: values apart or after =, switches, -h, and anything after --', () => {
    expect(optionProblem(['adjustments', 'add', '--amount=-500', '--reason', 'paid twice', '--callback-id', '17'])).toBeUndefined();
    expect(optionProblem(['callbacks', 'list', '--flagged', '--payment-id', 'p-1', '-h'])).toBeUndefined();
    expect(optionProblem(['accounts', 'show', '--', '--odd-id'])).toBeUndefined();
  });
});
