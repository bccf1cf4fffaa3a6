import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../../lib/playground/index.ts';
import { testPipelines } from './fixtures.ts';

/** Sends the request line as written (fetch and http.request would normalise `..`), returns status and body. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }),
    );
    socket.on('error', reject);
  });
}

describe('the built app', () => {
  let playground: Playground;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'modeflow-static-'));
    const app = join(root, 'app');
    mkdirSync(join(app, 'assets'), { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>the app</title>');
    writeFileSync(join(app, 'assets', 'main-1a2b.js'), 'console.log("app")');
    writeFileSync(join(root, 'secret.txt'), 'TOP SECRET');
    mkdirSync(join(root, 'private'));
    writeFileSync(join(root, 'private', 'key.txt'), 'TOP SECRET');
    symlinkSync(join(root, 'secret.txt'), join(app, 'escape.txt'));
    symlinkSync(join(root, 'private'), join(app, 'assets', 'linked'));
    playground = await startPlayground({ pipelines: testPipelines, port: 0, history: false, appDir: app, log: () => undefined });
  });
  afterAll(() => playground.close());

  it('serves index.html at / and for client-side routes; assets with their type, cached for good', async () => {
    const home = await fetch(playground.url);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await home.text()).toContain('the app');
    expect(await (await fetch(new URL('/runs/1234', playground.url))).text()).toContain('the app');
    const js = await fetch(new URL('/assets/main-1a2b.js', playground.url));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(new URL('/assets/nothing.js', playground.url))).status).toBe(404);
  });

  it('serves nothing from outside its folder: no .., encoded or not, no symlink leading out', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fprivate%2fkey.txt',
      '/escape.txt',
      '/assets/linked/key.txt',
      '/..\\secret.txt',
    ]) {
      const { status, body } = await rawGet(playground.url, path);
      expect(body, path).not.toContain('TOP SECRET');
      expect([400, 404], path).toContain(status);
    }
  });
});

describe('without a built app', () => {
  it('says at / how to build it, and the API works on', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'modeflow-no-app-'));
    const playground = await startPlayground({ pipelines: testPipelines, port: 0, history: false, appDir: empty, log: () => undefined });
    try {
      const home = await fetch(playground.url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('npm run build');
      expect((await fetch(new URL('/api/pipelines', playground.url))).status).toBe(200);
    } finally {
      await playground.close();
    }
  });
});
