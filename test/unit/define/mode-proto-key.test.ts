/** A key `__proto__` in a mode's resources or loggers literal is refused, not silently lost. */
import { describe, expect, it } from 'vitest';
import { InvalidDefinitionError, hardcodedResource, memoryLogger, mode } from '../../../lib/index.ts';

describe('mode() with a "__proto__" key', () => {
  it('refuses resources written as { __proto__: r }, which would set a prototype instead of a key', () => {
    const database = hardcodedResource({ rows: [] });
    expect(() => mode({ name: 'm', resources: { __proto__: database } as never })).toThrow(InvalidDefinitionError);
    expect(() => mode({ name: 'm', resources: { __proto__: database } as never })).toThrow(
      'mode "m": resources must be a plain object keyed by name (a key "__proto__" sets its prototype',
    );
  });

  it('refuses loggers written as { __proto__: logger }', () => {
    expect(() => mode({ name: 'm', loggers: { __proto__: memoryLogger() } as never })).toThrow(
      /loggers must be a plain object keyed by name/,
    );
  });

  it('takes resources with no prototype, such as another mode’s', () => {
    const first = mode({ name: 'first', resources: { counter: hardcodedResource(1) } });
    expect(Object.keys(mode({ name: 'second', resources: first.resources }).resources)).toEqual(['counter']);
  });
});
