import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AdminTokenError, AdminTokens, newAdminToken } from '../../src/admin/admin-tokens.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const config = (entries: object) => JSON.stringify(entries);

describe('admin tokens', () => {
  it('identifies a configured token by its SHA-256, and nothing else', () => {
    const tokens = AdminTokens.parse(
      config({
        alice: { token_sha256: hash('s3cret-a'), role: 'operator' },
        carol: { token_sha256: hash('s3cret-c').toUpperCase(), role: 'viewer' },
      }),
    );
    expect(tokens.identify('s3cret-a')).toEqual({ name: 'alice', role: 'operator' });
    expect(tokens.identify('s3cret-c')).toEqual({ name: 'carol', role: 'viewer' });
    for (const wrong of ['', 's3cret-A', 's3cret-a ', hash('s3cret-a')]) expect(tokens.identify(wrong)).toBeUndefined();
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['null', /must be a JSON object/],
    ['"alice"', /must be a JSON object/],
    ['{}', /names no token/],
    [config({ 'a b': { token_sha256: hash('x'), role: 'viewer' } }), /"a b" is not a token name/],
    [config({ a: { token_sha256: 'abc', role: 'viewer' } }), /a"\]\.token_sha256 must be 64 hex digits/],
    [config({ a: { token_sha256: hash('x'), role: 'admin' } }), /role must be "viewer" or "operator"/],
    [config({ a: { token_sha256: hash('x'), role: 'viewer', token: 'x' } }), /unknown setting\(s\) token/],
    [config({ a: null }), /token_sha256 must be 64 hex digits/],
    [config({ a: { token_sha256: 7, role: 'viewer' } }), /token_sha256 must be 64 hex digits/],
  ])('refuses ADMIN_TOKENS %s, saying what is wrong', (text, message) => {
    expect(() => AdminTokens.parse(text)).toThrow(AdminTokenError);
    expect(() => AdminTokens.parse(text)).toThrow(message);
  });

  it('reports a bad ADMIN_TOKENS as a configuration error, never echoing a hash', () => {
    const secretish = 'f'.repeat(63);
    const attempt = () => loadConfig({ ADMIN_TOKENS: config({ a: { token_sha256: secretish, role: 'viewer' } }) });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(secretish);
    expect(loadConfig({}).adminTokens).toBeUndefined();
  });

  it('makes a new random token whose entry admits it', () => {
    const { token, entry } = newAdminToken('ops.bot', 'viewer');
    expect(AdminTokens.parse(JSON.stringify(entry)).identify(token)).toEqual({ name: 'ops.bot', role: 'viewer' });
    expect(newAdminToken('ops.bot', 'viewer').token).not.toBe(token);
    expect(() => newAdminToken('two words', 'viewer')).toThrow(AdminTokenError);
  });
});
