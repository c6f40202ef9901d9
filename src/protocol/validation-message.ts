// Turns an ajv error from the generated validators into one line that names the field and says
// what the contract wants of it.
import type { ValidationError } from '../../generated/validators.js';

const pointerToPath = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

const join = (path: string, field: unknown): string => (path ? `${path}.${String(field)}` : String(field));

/** `knownTags` lists the values a discriminator takes, to name them when a body has another. */
export function describeValidationError(error: ValidationError, knownTags: readonly string[] = []): string {
  const path = pointerToPath(error.instancePath);
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return `${join(path, params.missingProperty)}: required field is missing`;
    case 'discriminator': {
      const field = join(path, params.tag);
      if (params.error === 'tag') return `${field}: required field is missing or not a string`;
      const known = knownTags.length ? `; expected ${knownTags.map((t) => `"${t}"`).join(' or ')}` : '';
      return `${field}: "${String(params.tagValue)}" is not a known value${known}`;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return `${path || 'body'}: must be ${(params.allowedValues as unknown[]).length === 1 ? '' : 'one of '}${allowed}`;
    }
    case 'type':
      return `${path || 'body'}: must be ${params.type === 'object' && !path ? 'a JSON object' : `of type ${String(params.type)}`}`;
    default:
      return `${path || 'body'}: ${error.message ?? 'is invalid'}`;
  }
}
