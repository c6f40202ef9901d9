// The hand-built access line is the line pino itself would write for the same request.
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
  { requestId: 'lb-123', method: 'POST', path: '/terminal', operation: 'terminal', status: 200, code: 0, reason: undefined, ip: '127.0.0.1', ms: 1.25 },
  { requestId: 'b7c1', method: 'POST', path: '/callback', operation: 'callback', status: 403, code: 400, reason: 'signature_invalid', ip: '::ffff:10.0.0.1', ms: 0.5 },
  // A path as a caller may send it: quotes, backslashes, control characters, non-ASCII.
  { requestId: 'x', method: 'GET', path: '/a"b\\c\n\u0001é/\u2028', operation: undefined, status: 404, code: 500, reason: 'no_such_endpoint', ip: '', ms: 0 },
];

describe('access log', () => {
  it.each(entries)('writes what pino would, as one line of JSON: %o', (entry) => {
    const ours = capture();
    accessLogger(ours.logger)(entry);
    const theirs = capture();
    theirs.logger.info({ ...entry }, 'request');
    expect(ours.lines).toHaveLength(1);
    expect(ours.lines[0]!.endsWith('\n')).toBe(true);
    expect(ours.lines[0]!.slice(0, -1)).not.toContain('\n');
    const line = JSON.parse(ours.lines[0]!);
    const expected = JSON.parse(theirs.lines[0]!);
    expect(Math.abs(line.time - expected.time)).toBeLessThan(1000);
    expect({ ...line, time: 0 }).toEqual({ ...expected, time: 0 });
    expect(Object.keys(line)).toEqual(Object.keys(expected));
  });

  it('writes nothing when the level is above info', () => {
    const quiet = capture('warn');
    accessLogger(quiet.logger)(entries[0]!);
    expect(quiet.lines).toEqual([]);
  });

  it('writes the lines in the order of the requests, each its own route and client', () => {
    const sequence = [entries[0]!, { ...entries[0]!, requestId: 'again', ip: '10.1.1.1' }, entries[1]!, entries[0]!, entries[2]!, { ...entries[2]!, operation: 'terminal' }];
    const ours = capture();
    const log = accessLogger(ours.logger);
    sequence.forEach(log);
    const theirs = capture();
    for (const entry of sequence) theirs.logger.info({ ...entry }, 'request');
    const parsed = (lines: string[]) => lines.join('').split('\n').slice(0, -1).map((line) => ({ ...JSON.parse(line), time: 0 }));
    expect(parsed(ours.lines)).toEqual(parsed(theirs.lines));
    expect(parsed(ours.lines).map((line) => line.requestId)).toEqual(['lb-123', 'again', 'b7c1', 'lb-123', 'x', 'x']);
  });
});
