import { describe, expect, it } from 'vitest';
import { firstDifference } from '../../../lib/bench/first-difference.ts';

class Money {
  readonly cents: number;
  constructor(cents: number) {
    this.cents = cents;
  }
}

describe('firstDifference', () => {
  it('finds nothing between equal values of every kind a solid returns', () => {
    const value = () => ({
      n: 1,
      nan: NaN,
      s: 'x',
      list: [1, { a: [2] }],
      at: new Date(0),
      re: /a+/g,
      map: new Map([['k', { v: 1 }]]),
      set: new Set([1, 2]),
      bytes: new Uint8Array([1, 2, 3]),
      error: new Error('boom'),
      money: new Money(5),
      fn: () => 1,
    });
    expect(firstDifference(value(), value())).toBeUndefined();
  });

  it('names the path of the first differing leaf, depth first', () => {
    expect(firstDifference({ rows: [1, { id: 2 }], z: 1 }, { rows: [1, { id: 3 }], z: 2 })).toEqual({ path: '.rows[1].id', a: 2, b: 3 });
    expect(firstDifference({ 'odd key': 1 }, { 'odd key': 2 })).toMatchObject({ path: '["odd key"]' });
    expect(firstDifference(new Map([['k', 1]]), new Map([['k', 2]]))).toMatchObject({ path: '.get("k")', a: 1, b: 2 });
    expect(firstDifference(1, 2)).toEqual({ path: '', a: 1, b: 2 });
  });

  it('reports keys and elements only one side has', () => {
    expect(firstDifference({ a: 1, b: 2 }, { a: 1 })).toMatchObject({ path: '.b', why: 'missing from the second' });
    expect(firstDifference({ a: 1 }, { a: 1, c: 3 })).toMatchObject({ path: '.c', why: 'missing from the first' });
    expect(firstDifference([1, 2], [1, 2, 3])).toMatchObject({ path: '.length', a: 2, b: 3 });
  });

  it('tells a class instance from the plain object a worker thread sends back', () => {
    expect(firstDifference({ price: new Money(5) }, { price: { cents: 5 } })).toMatchObject({
      path: '.price',
      why: 'a Money instance vs a plain object',
    });
  });

  it('compares binary data by bytes, so a Buffer equals the Uint8Array it becomes on another thread', () => {
    expect(firstDifference(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBeUndefined();
    expect(firstDifference(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toMatchObject({ path: '' });
    expect(firstDifference(new Uint8Array([1]), new Float64Array([1]))).toMatchObject({ why: 'a Uint8Array vs a Float64Array' });
  });

  it('compares errors by name and message, dates by time', () => {
    expect(firstDifference(new Error('a'), new Error('b'))).toMatchObject({ path: '' });
    expect(firstDifference(new TypeError('a'), new RangeError('a'))).toMatchObject({ path: '' });
    expect(firstDifference(new Date(0), new Date(1))).toMatchObject({ path: '' });
  });

  it('terminates on cyclic values', () => {
    const a: Record<string, unknown> = { n: 1 };
    a['self'] = a;
    const b: Record<string, unknown> = { n: 1 };
    b['self'] = b;
    expect(firstDifference(a, b)).toBeUndefined();
  });
});
