// One JSON line per request, whatever the caller put in its path.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { accessLogger, type AccessEntry } from '../../src/http/access-log.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level, base: undefined }, stream) };
}

const entries: AccessEntry[] = [
  {
    requestId: 'lb-123',
    method: 'POST',
    path: '/terminal',
    operation: 'terminal',
    status: 200,
    code: 0,
    reason: undefined,
    actor: undefined,
    ip: '127.0.0.1',
    ms: 1.25,
  },
  // An admin request refused for its token's role names the token, never the token itself.
  {
    requestId: 'c9d2',
    method: 'POST',
    path: '/admin/v1/adjustments',
    operation: 'createAdjustment',
    status: 403,
    code: undefined,
    reason: undefined,
    actor: 'carol',
    ip: '10.0.0.7',
    ms: 0.75,
  },
  {
    requestId: 'b7c1',
    method: 'POST',
    path: '/callback',
    operation: 'callback',
    status: 403,
    code: 400,
    reason: 'signature_invalid',
    actor: undefined,
    ip: '::ffff:10.0.0.1',
    ms: 0.5,
  },
  // A path as a caller may send it: quotes, backslashes, control characters, non-ASCII.
  {
    requestId: 'x',
    method: 'GET',
    path: '/a"b\\c\n\u0001é/\u2028',
    operation: undefined,
    status: 404,
    code: 500,
    reason: 'no_such_endpoint',
    actor: undefined,
    ip: '',
    ms: 0,
  },
];

describe('access log', () => {
  it.each(entries)('writes the request as one line of JSON: %o', (entry) => {
    const { lines, logger } = capture();
    accessLogger(logger)(entry);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    const { time, ...line } = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(typeof time).toBe('number');
    const defined = Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
    expect(line).toEqual({ level: 30, ...defined, msg: 'request' });
  });

  it('writes nothing when the level is above info', () => {
    const quiet = capture('warn');
    accessLogger(quiet.logger)(entries[0]!);
    expect(quiet.lines).toEqual([]);
  });
});
