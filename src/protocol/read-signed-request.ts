// From body text to a typed, authenticated request — or the failure that says exactly what is wrong.
// Order: is it JSON, whose project is it, is the signature right (over the text as received, before
// anything coerces or strips a field), and only then does it keep the contract.
import { openapiDocument } from '../../generated/openapi-document.js';
import { requestBodySchema, schemaValidators, type Validator } from '../../generated/validators.js';
import type { ProjectConfig } from '../config.js';
import { failure, type Failure } from './outcome.js';
import { checkSignature, decodeForSigning, JsonSyntaxError, type SignatureCheck } from './signature/signature.js';
import { describeValidationError } from './validation-message.js';

export type SignedOperationId = keyof typeof requestBodySchema;
type BodyOf<Op extends SignedOperationId> =
  (typeof schemaValidators)[(typeof requestBodySchema)[Op]] extends Validator<infer T> ? T : never;

export interface SignedRequest<Op extends SignedOperationId> {
  project: ProjectConfig;
  body: BodyOf<Op>;
}

type Schemas = Record<string, { discriminator?: { mapping?: Record<string, string> } }>;
const schemas = openapiDocument.components.schemas as unknown as Schemas;

const SIGNATURE_MESSAGES: Record<Exclude<SignatureCheck, { ok: true }>['reason'], string> = {
  not_an_object: 'request body must be a JSON object',
  missing:
    'signature is missing: neither a top-level "signature" nor a "general.signature" field; sign the body with the project secret and send the signature in one of them',
  both_places: 'signature is given twice, at the top level and in "general.signature": send it in exactly one place',
  empty: 'signature is empty',
  not_a_string: 'signature must be a string (Base64 HMAC-SHA512)',
  mismatch: 'signature does not match the request body for project %s',
};
// Bytes that are not UTF-8 are read as U+FFFD, so such a body can never match what was signed.
const NOT_UTF8 = 'the body holds U+FFFD, which is how bytes that are not UTF-8 are read: send the body encoded as UTF-8';

export function readSignedRequest<Op extends SignedOperationId>(
  operationId: Op,
  rawBody: string | undefined,
  parsedBody: unknown,
  projects: ReadonlyMap<number, ProjectConfig>,
): SignedRequest<Op> | Failure {
  if (rawBody === undefined || rawBody.trim() === '') {
    return failure('malformed_body', 'request body is empty: send the signed JSON object');
  }
  let decoded;
  try {
    decoded = decodeForSigning(rawBody, parsedBody);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return failure('malformed_body', `request body is not valid JSON: ${error.message}`);
    throw error;
  }
  if (parsedBody === null || typeof parsedBody !== 'object' || Array.isArray(parsedBody)) {
    return failure('malformed_body', 'request body must be a JSON object');
  }

  const projectId = (parsedBody as Record<string, unknown>).project_id;
  if (projectId === undefined) return failure('contract_violation', 'project_id: required field is missing');
  if (typeof projectId !== 'number' || !Number.isSafeInteger(projectId) || projectId < 1) {
    return failure('contract_violation', 'project_id: must be a positive integer');
  }
  const project = projects.get(projectId);
  if (!project) return failure('unknown_project', `unknown project_id ${projectId}: no secret is configured for it`);

  // The contract puts /terminal's signature at the top level only (the SDK's `general` is the
  // callback's): say so, rather than authenticate and then fail the contract over a missing field.
  if (operationId === 'terminal' && (decoded.location.place === 'general' || decoded.location.place === 'missing')) {
    return failure(
      'signature_missing',
      decoded.location.place === 'general'
        ? 'a /terminal request carries its signature in the top-level "signature" field, not in "general.signature"'
        : 'signature is missing: sign the body with the project secret and send the signature in the top-level "signature" field',
    );
  }
  const check = checkSignature(decoded, project.secrets);
  if (!check.ok) {
    const reason = check.reason === 'missing' || check.reason === 'empty' ? 'signature_missing' : 'signature_invalid';
    const message = SIGNATURE_MESSAGES[check.reason].replace('%s', String(projectId));
    return failure(reason, check.reason === 'mismatch' && rawBody.includes('\uFFFD') ? `${message}; ${NOT_UTF8}` : message);
  }

  const schemaName = requestBodySchema[operationId];
  const validate = schemaValidators[schemaName] as Validator<BodyOf<Op>>;
  if (!validate(parsedBody)) {
    const tags = Object.keys(schemas[schemaName]?.discriminator?.mapping ?? {});
    const first = validate.errors?.[0];
    const message = first ? describeValidationError(first, tags) : 'request body breaks the contract';
    return { ...failure('contract_violation', message), authenticated: true };
  }
  return { project, body: parsedBody };
}
