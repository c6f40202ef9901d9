// npm run check:contract: the spec against the last released contract (openapi/released/X.Y.Z.yaml).
// Any change needs a new info.version; a change that can break a partner needs a new major one.
// When a version is released, copy the spec to openapi/released/<version>.yaml and add a
// CHANGELOG entry.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { load as parseYaml } from 'js-yaml';
import { breakingChanges, parseSemver } from './contract-diff.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const releasedDir = path.join(root, 'openapi', 'released');
type Doc = Record<string, never> & { info: { version: string } };
const load = async (file: string) => parseYaml(await readFile(file, 'utf8')) as Doc;

const releases = (await readdir(releasedDir))
  .map((f) => ({ file: f, version: parseSemver(f.replace(/\.yaml$/, '')) }))
  .filter((r): r is { file: string; version: [number, number, number] } => r.version !== undefined)
  .sort((a, b) => a.version[0] - b.version[0] || a.version[1] - b.version[1] || a.version[2] - b.version[2]);
const latest = releases.at(-1);
if (!latest) throw new Error(`no released contract in ${releasedDir}`);

const released = await load(path.join(releasedDir, latest.file));
const current = await load(path.join(root, 'openapi', 'kassa24-bvu.yaml'));
const version = parseSemver(current.info.version);
const problems: string[] = [];
if (!version) problems.push(`info.version "${current.info.version}" is not semver (MAJOR.MINOR.PATCH)`);
else {
  const order = version[0] - latest.version[0] || version[1] - latest.version[1] || version[2] - latest.version[2];
  const changed = !isDeepStrictEqual(
    { ...released, info: { ...released.info, version: '' } },
    { ...current, info: { ...current.info, version: '' } },
  );
  if (order < 0) problems.push(`info.version ${current.info.version} is older than the released ${released.info.version}`);
  if (changed && order === 0) problems.push(`the contract changed since ${released.info.version} but info.version did not`);
  const breaking = breakingChanges(released, current);
  if (breaking.length > 0 && version[0] === latest.version[0]) {
    problems.push(`incompatible changes since ${released.info.version} need a new major version:\n  ${breaking.join('\n  ')}`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log(`contract ${current.info.version} is compatible with the released ${released.info.version}`);
}
