import { resource, type Resource } from '../../lib/define/resource.ts';

/** One call recorded by a {@link mockResource}. */
export interface MockCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** The value of a mock resource: the partial you gave, plus `calls`. */
export type Mock<T extends object> = T & { readonly calls: MockCall[] };

/**
 * A resource for tests: every method call on it is recorded in `calls`. Methods in
 * `partial` run as given; any other method returns `undefined`.
 *
 * @example
 * const db = mockResource<Database>({ executeQuery: async () => [] });
 * const result = await executeSolid(generateTable1, { resources: { database: db } });
 * db.value.calls; // [{ method: 'executeQuery', args: ['create table …'] }]
 */
export function mockResource<T extends object = Record<string, unknown>>(
  partial: Partial<T> = {},
): Resource<Mock<T>> & { readonly value: Mock<T> } {
  const calls: MockCall[] = [];
  const target = partial as Record<string, unknown>;
  const value = new Proxy(target, {
    get(obj, key) {
      if (key === 'calls') return calls;
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return obj[key as never];
      const member = obj[key];
      if (member !== undefined && typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        calls.push({ method: key, args });
        return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).apply(obj, args) : undefined;
      };
    },
  }) as Mock<T>;
  const def = resource({ description: 'a mock that records calls', init: () => value });
  return Object.freeze(Object.assign(Object.create(null) as object, def, { value })) as never;
}
