// npm run check:contract: each spec against its last released contract — the partner spec against
// openapi/released/X.Y.Z.yaml, the admin spec against openapi/released/admin/X.Y.Z.yaml. Any change
// needs a new info.version; a change that can break a client needs a new major one. When a version
// is released, copy the spec to its released folder and add an entry to its changelog
// (CHANGELOG.md, CHANGELOG-admin.md).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { load as parseYaml } from 'js-yaml';
import { breakingChanges, parseSemver } from './contract-diff.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACTS = [
  { spec: 'kassa24-bvu.yaml', released: path.join(root, 'openapi', 'released') },
  { spec: 'kassa24-admin.yaml', released: path.join(root, 'openapi', 'released', 'admin') },
];
type Doc = Record<string, never> & { info: { version: string } };
const load = async (file: string) => parseYaml(await readFile(file, 'utf8')) as Doc;

/** What is wrong with `spec` against its latest release, and a line saying what was compared. */
async function check(spec: string, releasedDir: string): Promise<{ problems: string[]; compared: string }> {
  const releases = (await readdir(releasedDir))
    .map((f) => ({ file: f, version: parseSemver(f.replace(/\.yaml$/, '')) }))
    .filter((r): r is { file: string; version: [number, number, number] } => r.file.endsWith('.yaml') && r.version !== undefined)
    .sort((a, b) => a.version[0] - b.version[0] || a.version[1] - b.version[1] || a.version[2] - b.version[2]);
  const latest = releases.at(-1);
  if (!latest) throw new Error(`no released contract in ${releasedDir}`);
  const released = await load(path.join(releasedDir, latest.file));
  const current = await load(path.join(root, 'openapi', spec));
  const version = parseSemver(current.info.version);
  const problems: string[] = [];
  if (!version) problems.push(`${spec}: info.version "${current.info.version}" is not semver (MAJOR.MINOR.PATCH)`);
  else {
    const order = version[0] - latest.version[0] || version[1] - latest.version[1] || version[2] - latest.version[2];
    const changed = !isDeepStrictEqual(
      { ...released, info: { ...released.info, version: '' } },
      { ...current, info: { ...current.info, version: '' } },
    );
    if (order < 0) problems.push(`${spec}: info.version ${current.info.version} is older than the released ${released.info.version}`);
    if (changed && order === 0) problems.push(`${spec}: the contract changed since ${released.info.version} but info.version did not`);
    const breaking = breakingChanges(released, current);
    if (breaking.length > 0 && version[0] === latest.version[0]) {
      problems.push(`${spec}: incompatible changes since ${released.info.version} need a new major version:\n  ${breaking.join('\n  ')}`);
    }
  }
  return { problems, compared: `${spec} ${current.info.version} is compatible with the released ${released.info.version}` };
}

const results = await Promise.all(CONTRACTS.map((c) => check(c.spec, c.released)));
const problems = results.flatMap((r) => r.problems);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  for (const r of results) console.log(r.compared);
}
