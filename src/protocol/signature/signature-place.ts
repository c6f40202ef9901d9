// Where a body carries its signature. The platform's documentation puts it at the top level; the
// reference PHP SDK's Callback also takes it from `general.signature` when there is none at the top.
// A body that carries both is ambiguous (which one did the platform mean?) and is refused.
import { PhpArray, type PhpValue } from './php-array.js';

export const SIGNATURE_ALGORITHMS = ['documented', 'sdk'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export type SignaturePlace = 'top' | 'general';

export type SignatureLocation =
  | { readonly place: SignaturePlace; readonly value: PhpValue; readonly isNull: boolean }
  | { readonly place: 'missing' }
  | { readonly place: 'both' };

const SIGNATURE = 'signature';
const GENERAL = 'general';

/** Where `body` carries its signature, as the SDK looks for it: the top level, else `general`. */
export function locateSignature(body: PhpArray): SignatureLocation {
  const general = body.entries.get(GENERAL);
  const inGeneral = general instanceof PhpArray && general.entries.has(SIGNATURE);
  if (body.entries.has(SIGNATURE)) {
    if (inGeneral) return { place: 'both' };
    return { place: 'top', value: body.entries.get(SIGNATURE)!, isNull: body.isNull(SIGNATURE) };
  }
  if (inGeneral) return { place: 'general', value: general.entries.get(SIGNATURE)!, isNull: general.isNull(SIGNATURE) };
  return { place: 'missing' };
}

/** The place a signature is left out of the stamp from: where it is, or the top for an unsigned body. */
export const stampPlace = (location: SignatureLocation): SignaturePlace => (location.place === 'general' ? 'general' : 'top');
