/** ctx in compute (lib/engine/step-context.ts): its fields, and ctx.resources guarding undeclared keys. */
import { describe, expect, it } from 'vitest';
import { ModeflowError, execute, memoryLogger, mode, pipeline, resource, solid } from '../../../lib/index.ts';

describe('ctx.resources', () => {
  const attempt = async (read: (resources: Record<PropertyKey, unknown>) => unknown) => {
    let outcome: { value?: unknown; error?: unknown } = {};
    const s = solid({
      name: 'reader',
      resources: ['store'],
      compute: (ctx) => {
        try {
          outcome = { value: read(ctx.resources as Record<PropertyKey, unknown>) };
        } catch (error) {
          outcome = { error };
        }
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [
        mode({
          loggers: { memory: memoryLogger() },
          resources: { store: resource({ init: () => 'S' }), other: resource({ init: () => 'O' }) },
        }),
      ],
      graph: () => {
        s();
      },
    });
    await execute(p);
    return outcome;
  };

  it('gives the declared resources', async () => {
    expect((await attempt((r) => r['store'])).value).toBe('S');
  });

  it('throws for a key the solid did not declare, even one the mode provides', async () => {
    expect((await attempt((r) => r['other'])).error).toBeInstanceOf(ModeflowError);
  });

  it('names the solid, the key and the declared keys when it throws', async () => {
    const { error } = await attempt((r) => r['other']);
    expect((error as Error).message).toContain('reader');
    expect((error as Error).message).toContain('other');
    expect((error as Error).message).toContain('store');
  });

  it('gives undefined for then, so awaiting it is harmless', async () => {
    expect((await attempt((r) => r['then'])).value).toBeUndefined();
  });

  it('gives undefined for toJSON, so serialising it is harmless', async () => {
    const { value, error } = await attempt((r) => [r['toJSON'], JSON.stringify(r)]);
    expect(error).toBeUndefined();
    expect(value).toEqual([undefined, '{"store":"S"}']);
  });

  it('gives undefined for symbol keys', async () => {
    expect((await attempt((r) => r[Symbol.iterator])).value).toBeUndefined();
  });
});
