// Bearer tokens of the admin API. Only their SHA-256 is configured (ADMIN_TOKENS), so the
// configuration is no secret; a presented token is hashed and compared with every configured hash
// in constant time, without stopping at a match, so timing tells nothing about which or how many.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type AdminRole = 'viewer' | 'operator';

export interface AdminIdentity {
  /** The token's name: the audit log's actor. */
  readonly name: string;
  readonly role: AdminRole;
}

interface ConfiguredToken extends AdminIdentity {
  readonly sha256: Buffer;
}

export class AdminTokenError extends Error {
  override name = 'AdminTokenError';
}

const HELP =
  'ADMIN_TOKENS must be a JSON object mapping each token name to {"token_sha256": "<64 hex digits>", "role": "viewer" | "operator"}; ' +
  '`npm run cli -- admin-token create --name NAME --role ROLE` prints a token and its entry';
const ROLES: readonly AdminRole[] = ['viewer', 'operator'];
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const NAME = /^[\w.@:-]{1,64}$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export class AdminTokens {
  private constructor(private readonly tokens: readonly ConfiguredToken[]) {}

  /** Parses ADMIN_TOKENS; every mistake named, no hash echoed. */
  static parse(text: string): AdminTokens {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AdminTokenError(`ADMIN_TOKENS is not valid JSON. ${HELP}`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new AdminTokenError(HELP);
    const tokens = Object.entries(raw as Record<string, unknown>).map(([name, entry]): ConfiguredToken => {
      if (!NAME.test(name))
        throw new AdminTokenError(`ADMIN_TOKENS: "${name}" is not a token name (letters, digits, . _ @ : -, at most 64)`);
      const { token_sha256: hash, role, ...rest } = (entry ?? {}) as Record<string, unknown>;
      if (Object.keys(rest).length > 0)
        throw new AdminTokenError(`ADMIN_TOKENS["${name}"]: unknown setting(s) ${Object.keys(rest).join(', ')}. ${HELP}`);
      if (typeof hash !== 'string' || !SHA256_HEX.test(hash))
        throw new AdminTokenError(`ADMIN_TOKENS["${name}"].token_sha256 must be 64 hex digits. ${HELP}`);
      if (!ROLES.includes(role as AdminRole)) throw new AdminTokenError(`ADMIN_TOKENS["${name}"].role must be "viewer" or "operator"`);
      return { name, role: role as AdminRole, sha256: Buffer.from(hash, 'hex') };
    });
    if (tokens.length === 0) throw new AdminTokenError(`ADMIN_TOKENS names no token. ${HELP}`);
    return new AdminTokens(tokens);
  }

  /** Tokens made here and now (the demo's), with their names and roles. */
  static of(entries: ReadonlyArray<AdminIdentity & { token: string }>): AdminTokens {
    return new AdminTokens(entries.map(({ name, role, token }) => ({ name, role, sha256: sha256(token) })));
  }

  /** Who a presented token is, or undefined. */
  identify(token: string): AdminIdentity | undefined {
    const presented = sha256(token);
    let found: ConfiguredToken | undefined;
    for (const configured of this.tokens) {
      if (timingSafeEqual(configured.sha256, presented) && !found) found = configured;
    }
    return found && { name: found.name, role: found.role };
  }
}

/** A new random token and the ADMIN_TOKENS entry that admits it. */
export function newAdminToken(
  name: string,
  role: AdminRole,
): { token: string; entry: Record<string, { token_sha256: string; role: AdminRole }> } {
  if (!NAME.test(name)) throw new AdminTokenError(`"${name}" is not a token name (letters, digits, . _ @ : -, at most 64)`);
  const token = `k24_${randomBytes(32).toString('base64url')}`;
  return { token, entry: { [name]: { token_sha256: sha256(token).toString('hex'), role } } };
}
