// `cli sign`: the signature of a JSON object on stdin under either algorithm, the secret from the
// environment or the command line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/processes.js';

const { vectors } = JSON.parse(readFileSync(new URL('../fixtures/signature-algorithm-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ name: string; secret: string; body: string; stamps: Record<string, string>; signatures: Record<string, string> }>;
};
const vector = vectors.find((v) => v.name === 'upper-case-key')!;
const noSecret = { KASSA24_SECRET: '' };

describe('cli sign', () => {
  it("signs with the documented algorithm by default and with the SDK's on request, the secret from KASSA24_SECRET", async () => {
    const env = { KASSA24_SECRET: vector.secret };
    expect(await runCli(['sign'], env, vector.body)).toEqual({ code: 0, stdout: `${vector.signatures.documented}\n`, stderr: '' });
    expect(await runCli(['sign', '--algorithm', 'sdk'], env, vector.body)).toEqual({
      code: 0,
      stdout: `${vector.signatures.sdk}\n`,
      stderr: '',
    });
    expect((await runCli(['sign', '--algorithm', 'sdk', '--stamp'], noSecret, vector.body)).stdout).toBe(`${vector.stamps.sdk}\n`);
  });

  it('takes --secret over the environment', async () => {
    const run = await runCli(['sign', '--secret', vector.secret], { KASSA24_SECRET: 'another' }, vector.body);
    expect(run.stdout).toBe(`${vector.signatures.documented}\n`);
  });

  it('refuses, with exit code 2 and a reason, no secret, an unknown algorithm, a body signed in both places and not one object', async () => {
    const none = await runCli(['sign'], noSecret, vector.body);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no secret: set KASSA24_SECRET/);
    const unknown = await runCli(['sign', '--algorithm', 'php'], { KASSA24_SECRET: 'k' }, vector.body);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--algorithm must be one of documented, sdk, not "php"/);
    const both = await runCli(['sign'], { KASSA24_SECRET: 'k' }, '{"signature":"a","general":{"signature":"b"}}');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/both at the top level and in "general"/);
    for (const input of ['[1, 2]', '"text"', '{"unclosed": ']) {
      const refused = await runCli(['sign'], { KASSA24_SECRET: 'k' }, input);
      expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
      expect(refused.stderr).toMatch(
        input.startsWith('{') ? /^sign: stdin is not valid JSON: / : /^sign: stdin must hold one JSON object\n/,
      );
    }
  });
});
