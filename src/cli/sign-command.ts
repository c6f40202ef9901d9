// `cli sign [--secret KEY] [--algorithm documented|sdk] [--stamp]`: the signature (or the joined
// string before HMAC) of the JSON object on stdin, numbers signed as written; a signature already
// in it, at the top or in `general`, is left out. The secret may come from KASSA24_SECRET instead:
// a secret on the command line is visible to every user of the machine in the process list.
import { decodeForSigning, SIGNATURE_ALGORITHMS, signStamp, stampUnder, type SignatureAlgorithm } from '../protocol/signature/signature.js';
import { CliError } from './cli-error.js';

export const SECRET_VARIABLE = 'KASSA24_SECRET';

export interface SignOptions {
  secret: string | undefined;
  algorithm: string | undefined;
  stampOnly: boolean;
}

const isAlgorithm = (name: string): name is SignatureAlgorithm => (SIGNATURE_ALGORITHMS as readonly string[]).includes(name);

export function signCommand(input: string, options: SignOptions): string {
  const algorithm = options.algorithm ?? 'documented';
  if (!isAlgorithm(algorithm))
    throw new CliError(`sign: --algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}, not "${algorithm}"`);
  const secret = options.secret;
  if (!options.stampOnly && !secret) {
    throw new CliError(`sign: no secret: set ${SECRET_VARIABLE} (or pass --secret KEY), or use --stamp to print the joined string only`);
  }
  let decoded;
  try {
    decoded = decodeForSigning(input);
  } catch (error) {
    throw new CliError(`sign: stdin is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!decoded.isObject) throw new CliError('sign: stdin must hold one JSON object');
  if (decoded.location.place === 'both')
    throw new CliError('sign: stdin has a signature both at the top level and in "general": remove one');
  const stamp = stampUnder(decoded, algorithm);
  return options.stampOnly ? stamp : signStamp(stamp, secret as string);
}
