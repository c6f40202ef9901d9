// `cli sign --secret KEY [--stamp]`: the signature (or the joined string before HMAC) of the JSON
// object on stdin, numbers signed as written; any `signature` field in it is ignored.
import { decodeForSigning, signStamp } from '../protocol/signature/signature.js';
import { CliError } from './cli-error.js';

export function signCommand(input: string, secret: string | undefined, stampOnly: boolean): string {
  if (!stampOnly && !secret) throw new CliError('sign: --secret KEY is required (or --stamp to print the joined string only)');
  let decoded;
  try {
    decoded = decodeForSigning(input);
  } catch (error) {
    throw new CliError(`sign: stdin is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!decoded.isObject) throw new CliError('sign: stdin must hold one JSON object');
  return stampOnly ? decoded.stamp : signStamp(decoded.stamp, secret as string);
}
