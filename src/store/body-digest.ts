// The key a callback body is deduplicated by, the same on every backend: SHA-256 of its text as
// received, hex. crypto.hash, not createHash: the one-shot call skips building a Hash object and
// OpenSSL's per-call algorithm lookup, on the writer thread, where every callback passes.
import { hash } from 'node:crypto';

export const bodySha256 = (text: string): string => hash('sha256', text, 'hex');
