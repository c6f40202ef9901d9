// The string formats the specs use, for every ajv that reads them (the generated validators, the
// tests' contract checks): int64/int32 are annotations for partners (minimum/maximum carry the
// limits); date and date-time are RFC 3339's shapes, no calendar library needed.
export const CONTRACT_FORMATS = {
  int64: true,
  int32: true,
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i,
} as const;
