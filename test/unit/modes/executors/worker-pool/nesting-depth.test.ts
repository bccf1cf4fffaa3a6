/** How deep a value nests (modes/executors/worker-pool/crossing.ts), for the error of a value too deep to clone. */
import { describe, expect, it } from 'vitest';
import { nestingDepth } from '../../../../../modes/executors/worker-pool/crossing.ts';

describe('nestingDepth', () => {
  it.each([
    [1, 0],
    [null, 0],
    [{}, 1],
    [{ a: [1, { b: 2 }], c: {} }, 3],
    [new Map([['k', new Set([[1]])]]), 3],
    [new Map([[{ key: {} }, 1]]), 3],
  ])('%#: %o nests %d deep', (value, depth) => {
    expect(nestingDepth(value)).toBe(depth);
  });

  it('measures a value far deeper than the stack could recurse, and one that holds itself', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(nestingDepth(deep)).toBe(100_000);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = { back: cycle };
    expect(nestingDepth(cycle)).toBe(2);
  });
});
