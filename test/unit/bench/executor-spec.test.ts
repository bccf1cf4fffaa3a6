import { describe, expect, it } from 'vitest';
import { parseExecutorSpecs } from '../../../lib/bench/index.ts';

describe('parseExecutorSpecs', () => {
  it('reads comma-separated executors, each with optional config, and labels each by what was given', () => {
    expect(parseExecutorSpecs(['sync,async:maxConcurrent=16,workerPool:maxWorkers=4'])).toEqual([
      { name: 'sync', config: {}, label: 'sync' },
      { name: 'async', config: { maxConcurrent: 16 }, label: 'async(maxConcurrent=16)' },
      { name: 'workerPool', config: { maxWorkers: 4 }, label: 'workerPool(maxWorkers=4)' },
    ]);
  });

  it('labels the same executor with two configs apart', () => {
    const labels = parseExecutorSpecs(['async:maxConcurrent=4,async:maxConcurrent=16']).map((s) => s.label);
    expect(labels).toEqual(['async(maxConcurrent=4)', 'async(maxConcurrent=16)']);
  });

  it('adds a key=value after a comma to the executor before it, and nests dotted keys', () => {
    expect(parseExecutorSpecs(['workerPool:maxWorkers=2,idleTimeoutMs=0,resourceLimits.maxOldGenerationSizeMb=256,sync'])).toEqual([
      {
        name: 'workerPool',
        config: { maxWorkers: 2, idleTimeoutMs: 0, resourceLimits: { maxOldGenerationSizeMb: 256 } },
        label: 'workerPool(maxWorkers=2, idleTimeoutMs=0, resourceLimits.maxOldGenerationSizeMb=256)',
      },
      { name: 'sync', config: {}, label: 'sync' },
    ]);
  });

  it('reads values as JSON when they are JSON, else as the string written; commas inside brackets do not split', () => {
    const [spec] = parseExecutorSpecs(['mine:a=true,b="16",c=fast,d={"x":1,"y":[1,2]},e=null']);
    expect(spec!.config).toEqual({ a: true, b: '16', c: 'fast', d: { x: 1, y: [1, 2] }, e: null });
  });

  it('takes several texts (a repeated --executor) in order', () => {
    expect(parseExecutorSpecs(['sync', 'async:maxConcurrent=2']).map((s) => s.label)).toEqual(['sync', 'async(maxConcurrent=2)']);
  });

  it.each([
    ['sync,,async', /empty item/],
    ['maxConcurrent=4', /config comes after an executor name/],
    ['async:maxConcurrent', /has no value; write key=value/],
    ['async:maxConcurrent=', /has no value/],
    ['as-ync', /is not an executor name/],
    ['async:max-concurrent=4', /is not a config key/],
    ['async:a=1,a=2', /"a" is given twice/],
    ['async:a=1,a.b=2', /"a" is given both a value and keys/],
    ['async:__proto__.x=1', /cannot be a config key/],
  ])('refuses %s, saying what is wrong', (text, message) => {
    expect(() => parseExecutorSpecs([text])).toThrow(message);
    expect(() => parseExecutorSpecs([text])).toThrow(/e\.g\. sync,async:maxConcurrent=16/);
  });
});
