import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidSubsetError, pipeline, solid } from '../../../lib/index.ts';
import { isInputUnconnected, selectSolids } from '../../../lib/config/select.ts';

const source = solid({ name: 'source', output: z.number(), compute: () => 1 });
const step = solid({ name: 'step', inputs: { x: z.number() }, output: z.number(), compute: (_ctx, { x }) => x + 1 });
const join = solid({
  name: 'join',
  inputs: { left: z.number(), right: z.number() },
  output: z.number(),
  compute: (_ctx, { left, right }) => left + right,
});

// a → b → c → d, and side → join(d, side)
const chain = pipeline({
  name: 'chain',
  graph: () => {
    const a = source.alias('a')();
    const d = step.alias('d')(step.alias('c')(step.alias('b')(a)));
    join({ left: d, right: source.alias('side')() });
  },
});

const names = (select: string | undefined) => {
  const picked = selectSolids(chain, select);
  return picked === undefined ? undefined : [...picked];
};

describe('selectSolids', () => {
  it('selects everything when no selection is given', () => {
    expect(names(undefined)).toBeUndefined();
    expect(names('  ')).toBeUndefined();
  });

  it('selects one solid by its invocation name', () => {
    expect(names('c')).toEqual(['c']);
  });

  it('adds all ancestors with a leading *', () => {
    expect(names('*c')).toEqual(['a', 'b', 'c']);
  });

  it('adds all descendants with a trailing *', () => {
    expect(names('c*')).toEqual(['c', 'd', 'join']);
  });

  it('adds both ancestors and descendants with *name*', () => {
    expect(names('*c*')).toEqual(['a', 'b', 'c', 'd', 'join']);
  });

  it('adds one level up per leading +', () => {
    expect(names('+c')).toEqual(['b', 'c']);
    expect(names('++c')).toEqual(['a', 'b', 'c']);
  });

  it('adds one level down per trailing +', () => {
    expect(names('b+')).toEqual(['b', 'c']);
    expect(names('b++')).toEqual(['b', 'c', 'd']);
  });

  it('unions comma-separated clauses, ignoring whitespace and empty clauses', () => {
    expect(names(' side , ,b ')).toEqual(['b', 'side']);
  });

  it('walks past solids an earlier clause already picked', () => {
    expect(names('b,*d')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('returns names in the pipeline order', () => {
    expect(names('join,a')).toEqual(['a', 'join']);
  });

  it('refuses a clause that matches no solid, listing the solids', () => {
    expect(() => selectSolids(chain, 'a,nope*')).toThrow(InvalidSubsetError);
    expect(() => selectSolids(chain, 'a,nope*')).toThrow(/"nope\*".*"a", "b", "c", "d", "side", "join"/);
  });

  it('refuses a malformed clause and explains the grammar', () => {
    for (const bad of ['a**', '*', 'a b', '+*a']) {
      expect(() => selectSolids(chain, bad)).toThrow(/malformed.*"\*name"/);
    }
  });
});

describe('isInputUnconnected', () => {
  const c = chain.node('c')!;

  it('is false for a wired input when everything is selected', () => {
    expect(isInputUnconnected(c, 'x', undefined)).toBe(false);
  });

  it('is true for a wired input whose upstream is outside the selection', () => {
    expect(isInputUnconnected(c, 'x', new Set(['c']))).toBe(true);
    expect(isInputUnconnected(c, 'x', new Set(['b', 'c']))).toBe(false);
  });

  it('is true for an input that is not wired', () => {
    const open = pipeline({
      name: 'open',
      graph: () => {
        step();
      },
    });
    expect(isInputUnconnected(open.node('step')!, 'x', undefined)).toBe(true);
  });
});
