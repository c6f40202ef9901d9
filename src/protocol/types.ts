// Names for the contract's types. The shapes live in generated/openapi-types.ts, nowhere else.
import type { components } from '../../generated/openapi-types.js';

type Schemas = components['schemas'];
export type TerminalRequest = Schemas['TerminalRequest'];
export type VerifyRequest = Schemas['VerifyRequest'];
export type CheckDepositRequest = Schemas['CheckDepositRequest'];
export type Callback = Schemas['Callback'];
export type VerifyResponse = Schemas['VerifyResponse'];
export type CheckDepositResponse = Schemas['CheckDepositResponse'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type CallbackAck = Schemas['CallbackAck'];
export type Health = Schemas['Health'];
export type ErrorCode = Schemas['ErrorCode'];
