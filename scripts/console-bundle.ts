// The operator console as static files: console/src bundled by esbuild (Preact, openapi-fetch; no
// CDN, works offline) into app-HASH.js, the stylesheet as styles-HASH.css, and index.html naming
// both. Hashed names let the service cache them for good and index.html not at all.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = path.join(root, 'console');

export interface ConsoleBuild {
  outDir: string;
  /** Where the console finds the admin API: '' for the origin that serves it. */
  apiBase?: string;
  minify?: boolean;
}

const hashed = (name: string, ext: string, content: string | Uint8Array) =>
  `${name}-${createHash('sha256').update(content).digest('hex').slice(0, 12)}.${ext}`;

export async function buildConsole({ outDir, apiBase = '', minify = true }: ConsoleBuild): Promise<string[]> {
  const bundle = await build({
    entryPoints: [path.join(consoleDir, 'src', 'main.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: false,
    legalComments: 'none',
    define: { API_BASE: JSON.stringify(apiBase) },
    logLevel: 'warning',
  });
  const script = bundle.outputFiles[0]!.contents;
  const styles = await readFile(path.join(consoleDir, 'styles.css'), 'utf8');
  const scriptName = hashed('app', 'js', script);
  const stylesName = hashed('styles', 'css', styles);
  const html = (await readFile(path.join(consoleDir, 'index.html'), 'utf8'))
    .replace('"STYLES"', `"${stylesName}"`)
    .replace('"SCRIPT"', `"${scriptName}"`);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await Promise.all([
    writeFile(path.join(outDir, scriptName), script),
    writeFile(path.join(outDir, stylesName), styles),
    writeFile(path.join(outDir, 'index.html'), html),
  ]);
  return ['index.html', scriptName, stylesName];
}
