/**
 * The built browser app (`dist/playground/`), served as static files from its folder only:
 * no `..`, no symlink leading out of it. A path that is no file and has no extension gets
 * `index.html` (the app routes on the client). When the app is not built, `/` says how to
 * build it and the API works on.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Where the built app is: `dist/playground/` beside the compiled server
 * (`dist/lib/playground/` → `dist/playground/`); from the sources (under tsx, in tests),
 * the repository's `dist/playground/`.
 */
export function defaultAppDir(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? '../../dist/playground/' : '../../playground/', import.meta.url));
}

/** A request handler serving the app's files from `dir`. */
export function staticFiles(dir: string): (c: Context) => Promise<Response> {
  const built = existsSync(join(dir, 'index.html'));
  const root = built ? realpathSync(dir) : dir;
  return async (c) => {
    if (!built) return notBuilt(c, dir);
    let path: string;
    try {
      // The URL parser has resolved `.` and `..` segments; decoding may bring more (`%2F`).
      path = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('bad path', 400);
    }
    if (path.includes('\0')) return c.text('bad path', 400);
    const file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return c.text('not found', 404);
    const found = await inside(root, file);
    if (found) return send(c, found);
    if (extname(path) === '') return send(c, join(root, 'index.html'));
    return c.text('not found', 404);
  };
}

/** The real path of `file` if it is a regular file inside `root` (symlinks resolved), else undefined. */
async function inside(root: string, file: string): Promise<string | undefined> {
  try {
    const real = await realpath(file);
    if (!real.startsWith(root + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

async function send(c: Context, file: string): Promise<Response> {
  const body = await readFile(file);
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Vite names built assets by content hash: they never change under one name.
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': cache });
}

function notBuilt(c: Context, dir: string): Response {
  const path = new URL(c.req.url).pathname;
  if (path !== '/' && path !== '/index.html') return c.text('not found (the playground app is not built)', 404);
  const html = `<!doctype html><meta charset="utf-8"><title>modeflow playground</title>
<body style="font: 15px system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>modeflow playground</h1>
<p>The browser app is not built: there is no <code>${escapeHtml(join(dir, 'index.html'))}</code>.</p>
<p>Build it with <code>npm run build</code> in the modeflow repository, then reload this page.
The API works meanwhile: <a href="/api/pipelines">/api/pipelines</a>.</p>`;
  return c.html(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
}
