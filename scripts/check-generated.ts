// Regenerates into a temporary folder and fails on any difference from the committed generated/:
// generated code is written by `npm run generate` only, never by hand, and never left stale.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';

const committedDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'generated');
const freshDir = await mkdtemp(path.join(tmpdir(), 'kassa24-generated-'));
try {
  const fresh = await generate(freshDir);
  const committed = (await readdir(committedDir, { recursive: true, withFileTypes: true }))
    .filter((e: Dirent) => e.isFile())
    .map((e: Dirent) => path.relative(committedDir, path.join(e.parentPath, e.name)))
    .sort();
  const problems: string[] = [];
  for (const name of new Set([...fresh, ...committed])) {
    if (!fresh.includes(name)) problems.push(`generated/${name} is not produced by npm run generate any more`);
    else if (!committed.includes(name)) problems.push(`generated/${name} is missing`);
    else if ((await readFile(path.join(freshDir, name), 'utf8')) !== (await readFile(path.join(committedDir, name), 'utf8'))) {
      problems.push(`generated/${name} differs from what the spec generates`);
    }
  }
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nRun \`npm run generate\` and commit openapi/ and generated/ together.`);
    process.exitCode = 1;
  } else {
    console.log(`generated/ is up to date (${fresh.length} files)`);
  }
} finally {
  await rm(freshDir, { recursive: true, force: true });
}
