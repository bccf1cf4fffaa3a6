/** solid() (lib/define/solid.ts): outputs, validation, brand. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidDefinitionError, isSolid, solid } from '../../../lib/index.ts';

const noop = solid({ name: 'noop', compute: () => undefined });
const one = solid({ name: 'one', output: z.number(), compute: () => 1 });

describe('solid()', () => {
  it('refuses both output and outputs', () => {
    expect(() => solid({ name: 'both', output: z.number(), outputs: { a: z.number() }, compute: () => 1 } as never)).toThrow(
      InvalidDefinitionError,
    );
  });

  it('refuses a non-zod input schema', () => {
    expect(() => solid({ name: 's', inputs: { x: 'number' } as never, compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses a retry policy with a negative maxRetries', () => {
    expect(() => solid({ name: 's', retry: { maxRetries: -1 }, compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses a priority tag that is not an integer', () => {
    expect(() => solid({ name: 's', tags: { priority: 1.5 }, compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('names the single output "result"', () => {
    expect(Object.keys(one.outputs)).toEqual(['result']);
  });

  it('gives a solid without output one output "result"', () => {
    expect(Object.keys(noop.outputs)).toEqual(['result']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(one)).toBe(true);
  });

  it('cannot be called outside a pipeline graph', () => {
    expect(() => one()).toThrow(InvalidDefinitionError);
  });

  it('is recognised by its brand', () => {
    expect(isSolid(one)).toBe(true);
    expect(isSolid(() => 1)).toBe(false);
  });
});
