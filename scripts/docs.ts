// npm run docs [-- --out FILE]: the partner documentation as one static HTML page — Redoc 2's
// standalone bundle and the spec inlined, so it opens anywhere without a network (Redoc 3's
// static build fetches parts of itself from a CDN). Default: dist/docs/kassa24-bvu.html.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSpec } from './generate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'dist', 'docs', 'kassa24-bvu.html') } } });
const out = path.resolve(values.out);

const spec = await loadSpec();
const bundle = await readFile(path.join(root, 'node_modules', 'redoc', 'bundles', 'redoc.standalone.js'), 'utf8');
// An inline script ends at the first "</script": escape it (in JSON any "</" may be escaped; in
// the bundle only "</script" itself, as other "</" may sit inside regular expressions).
const inlineJson = (json: string) => json.replace(/<\//g, '<\\/');
const inlineCode = (code: string) => code.replace(/<\/(script)/gi, '<\\/$1');
const info = spec.info as { title: string; version: string };
const options = { expandResponses: '200,403', jsonSampleExpandLevel: 4, pathInMiddlePanel: true, hideLoading: true };
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${info.title} ${info.version}</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<div id="redoc"></div>
<script>${inlineCode(bundle)}</script>
<script>Redoc.init(${inlineJson(JSON.stringify(spec))}, ${JSON.stringify(options)}, document.getElementById('redoc'));</script>
</body>
</html>
`;
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, html);
console.log(`docs written to ${path.relative(process.cwd(), out) || out}`);
