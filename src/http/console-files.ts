// The operator console's static files (npm run build writes them to dist/console/), served at
// /console/ from memory: read once at start-up, index.html never cached (it names the current
// bundle), the hashed bundle and stylesheet cached for good.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';

export const CONSOLE_PREFIX = '/console';

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

// The console talks only to its API: nothing else may be loaded, framed or sent to.
const securityHeaders = (apiOrigin: string | undefined) => ({
  'Content-Security-Policy': `default-src 'self'; connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ''}; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

function load(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, name));
    files.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
  }
  return files;
}

/**
 * Serves `dir` under /console/; without a built console there, says how to build it. `apiOrigin`:
 * where the console's admin API is when it is not this origin (the Prism mock, in development).
 */
export function consoleFiles(dir: string | undefined, apiOrigin?: string): Koa.Middleware {
  const files = dir && existsSync(path.join(dir, 'index.html')) ? load(dir) : undefined;
  const headers = securityHeaders(apiOrigin);
  return async (ctx, next) => {
    if (ctx.path !== CONSOLE_PREFIX && !ctx.path.startsWith(`${CONSOLE_PREFIX}/`)) {
      await next();
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = `${ctx.method} is not allowed on ${ctx.path}`;
      return;
    }
    if (ctx.path === CONSOLE_PREFIX) {
      ctx.redirect(`${CONSOLE_PREFIX}/`);
      return;
    }
    if (!files) {
      ctx.status = 404;
      ctx.body = 'the console is not built: run `npm run build` (npm start does)';
      return;
    }
    const name = ctx.path.slice(CONSOLE_PREFIX.length + 1) || 'index.html';
    const file = files.get(name);
    if (!file) {
      ctx.status = 404;
      ctx.body = `no such file: ${ctx.path}`;
      return;
    }
    ctx.set(headers);
    ctx.set('Cache-Control', file.cacheControl);
    ctx.etag = file.etag;
    ctx.type = file.type;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = file.body;
  };
}
