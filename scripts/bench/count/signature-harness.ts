// Under callgrind (npm run bench:count): reads the request bodies in BODIES_FILE and checks each
// one's signature, as the service does, PASSES times: parsed once as the body parser parses it
// (JSON.parse; koa-bodyparser's bourne adds a regex test), then decodeForSigning given that value,
// and checkSignature. With PASSES=0 it only loads: the difference is the checks' own instructions.
import { readFileSync } from 'node:fs';
import { checkSignature, decodeForSigning } from '../../../src/protocol/signature/signature.js';

const [bodiesFile, secret, passesText] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile!, 'utf8')) as string[];
const passes = Number(passesText);
for (let pass = 0; pass < passes; pass++) {
  for (const body of bodies) {
    if (!checkSignature(decodeForSigning(body, JSON.parse(body)), [secret!]).ok) throw new Error(`signature check failed for ${body}`);
  }
}
