/** What can cross a thread boundary (modes/executors/worker-pool/crossing.ts): a schema tells, before any value is sent. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uncrossable } from '../../../../../modes/executors/worker-pool/crossing.ts';

describe('what can cross a thread boundary', () => {
  class Money {
    cents = 0;
  }
  it.each([
    [z.object({ a: z.array(z.map(z.string(), z.date())), b: z.instanceof(Uint8Array), c: z.instanceof(Error) }), undefined],
    [z.union([z.function(), z.string()]), undefined],
    [z.object({ on: z.object({ click: z.function() }) }), 'at .on.click'],
    [z.array(z.instanceof(Money)).optional(), 'class Money'],
    [z.lazy(() => z.object({ again: z.symbol() })), 'a symbol'],
    [z.promise(z.number()), 'a Promise'],
    [z.instanceof(Buffer), 'class Buffer'],
  ] as const)('%#: %s', (schema, reason) => {
    if (reason === undefined) expect(uncrossable(schema)).toBeUndefined();
    else expect(uncrossable(schema)).toContain(reason);
  });
});
