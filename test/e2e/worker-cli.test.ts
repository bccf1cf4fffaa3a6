/**
 * `modeflow worker` when it cannot serve: the built binary, as users run it. (Serving,
 * SIGTERM and the ready line are covered with a real Redis in test/integration/queue-*.)
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.ts';

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('modeflow worker', () => {
  it('exits 2 when its files export no pipeline, saying what it serves', () => {
    const result = runCli(['worker', '-f', fixture('no-pipeline.js')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('export no pipeline: a queue worker serves the pipelines its files export');
    expect(result.stdout).toBe('');
  });

  it('exits 2 for a concurrency that is not a whole number of steps', () => {
    const result = runCli(['worker', '-f', fixture('single.js'), '--concurrency', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--concurrency takes a whole number of steps at once, 1 or more; got "0"');
  });

  it('exits 1 when Redis cannot be reached, naming the URL without its password', async () => {
    const url = `redis://:hunter2@127.0.0.1:${await closedPort()}`;
    const result = runCli(['worker', '-f', fixture('single.js'), '--redis', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`modeflow worker cannot reach Redis at redis://:***@127.0.0.1:`);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).not.toContain('ready');
  });
});
