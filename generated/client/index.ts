// @ts-nocheck -- openapi-generator 4.3.1 output (see scripts/generate.ts).
export * from './runtime.js';
export * from './apis/index.js';
export * from './models/index.js';
