import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../../lib/playground/index.ts';
import { ServerHosts } from '../../../lib/playground/security.ts';
import { HOST, testApp, testPipelines } from './fixtures.ts';

describe('ServerHosts', () => {
  it("takes the loopback names and the bound host at the server's port, nothing else", () => {
    const hosts = new ServerHosts('127.0.0.1', 3000);
    for (const own of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000']) expect(hosts.isOwn(own)).toBe(true);
    for (const other of [
      'evil.example:3000',
      '127.0.0.1:3001',
      'localhost',
      '127.0.0.1.evil.example:3000',
      '10.0.0.5:3000',
      '',
      undefined,
    ]) {
      expect(hosts.isOwn(other)).toBe(false);
    }
  });

  it('takes a bound name, and any IP address when bound to every interface, but no other name', () => {
    expect(new ServerHosts('devbox', 8080).isOwn('devbox:8080')).toBe(true);
    const all = new ServerHosts('0.0.0.0', 8080);
    expect(all.isOwn('192.168.1.20:8080')).toBe(true);
    expect(all.isOwn('attacker.example:8080')).toBe(false);
  });
});

describe('Host and Origin checks', () => {
  it('answers 403 to a request whose Host is not the server (DNS rebinding)', async () => {
    const { request } = await testApp();
    for (const path of ['/api/pipelines', '/', '/api/runs']) {
      const res = await request(path, { headers: { host: 'rebind.attacker.example:3000' } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).error.message).toContain('is not this playground');
    }
  });

  it('answers 403 to a POST from another origin (CSRF), and runs nothing', async () => {
    const { post, request } = await testApp();
    for (const origin of ['https://attacker.example', 'null', `http://${HOST}.attacker.example`]) {
      const res = await post('/api/runs', { pipeline: 'greet', preset: 'quick' }, { origin });
      expect(res.status).toBe(403);
    }
    expect(((await (await request('/api/runs')).json()) as any).runs).toEqual([]);
  });

  it("takes a POST from the server's own origin, and one without an Origin (curl)", async () => {
    const { post } = await testApp();
    expect((await post('/api/runs', { pipeline: 'greet', preset: 'quick' }, { origin: `http://${HOST}` })).status).toBe(201);
    expect((await post('/api/runs', { pipeline: 'greet', preset: 'quick' }, { origin: 'http://localhost:3000' })).status).toBe(201);
    expect((await post('/api/runs', { pipeline: 'greet', preset: 'quick' })).status).toBe(201);
  });

  it('takes a GET from another origin (the browser keeps the answer from that page: no CORS headers)', async () => {
    const { request } = await testApp();
    const res = await request('/api/pipelines', { headers: { origin: 'https://attacker.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('request bodies', () => {
  it('answers 413 to a body over 1 MiB', async () => {
    const { post } = await testApp();
    const res = await post('/api/pipelines/greet/validate', { mode: 'dev', runConfigYaml: `# ${'x'.repeat(1024 * 1024)}` });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.message).toContain('1 MiB');
  });

  it('answers 415 to a body not sent as JSON (a form post cannot reach the API)', async () => {
    const { request } = await testApp();
    const res = await request('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'pipeline=greet',
    });
    expect(res.status).toBe(415);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const { request } = await testApp();
    const res = await request('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{pipeline' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain('not valid JSON');
  });
});

describe('a listening playground', () => {
  let playground: Playground;
  beforeAll(async () => {
    playground = await startPlayground({ pipelines: testPipelines, port: 0, history: false, log: () => undefined });
  });
  afterAll(() => playground.close());

  /** A raw request, with exactly the Host header given (fetch would set its own). */
  function raw(path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const url = new URL(playground.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('listens on 127.0.0.1 at the port it got for port 0', () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(playground.url).not.toBe('http://127.0.0.1:0/');
  });

  it("answers its own Host and refuses another's, over HTTP", async () => {
    const port = new URL(playground.url).port;
    expect((await raw('/api/pipelines', `localhost:${port}`)).status).toBe(200);
    expect((await raw('/api/pipelines', `attacker.example:${port}`)).status).toBe(403);
  });

  it('sends no-sniff, no-framing and no-referrer headers', async () => {
    const res = await fetch(new URL('/api/pipelines', playground.url));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
