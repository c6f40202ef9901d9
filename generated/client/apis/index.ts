// @ts-nocheck -- openapi-generator 4.3.1 output (see scripts/generate.ts).
export * from './OperationsApi.js';
export * from './PlatformApi.js';
