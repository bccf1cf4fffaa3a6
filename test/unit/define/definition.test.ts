import { describe, expect, it } from 'vitest';
import { queueScheduler } from 'rxjs';
import { z } from 'zod';
import {
  InvalidDefinitionError,
  executor,
  hardcodedResource,
  logger,
  memoryLogger,
  mode,
  pipeline,
  preset,
  resource,
  solid,
} from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const noop = solid({ name: 'noop', compute: () => undefined });

/** The error `fn` throws (fails when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('names', () => {
  it('refuses a solid whose name has characters outside [A-Za-z0-9_]', () => {
    expect(() => solid({ name: 'bad-name', compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses an empty solid name', () => {
    expect(() => solid({ name: '', compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses a pipeline whose name has a space', () => {
    expect(() => pipeline({ name: 'my pipeline', modes: [quietMode()], graph: () => noop() })).toThrow(InvalidDefinitionError);
  });

  it('refuses a mode whose name has a dot', () => {
    expect(() => mode({ name: 'local.dev' })).toThrow(InvalidDefinitionError);
  });

  it('refuses a resource key with a dash', () => {
    expect(() => mode({ resources: { 'my-store': hardcodedResource(1) } })).toThrow(InvalidDefinitionError);
  });

  it('refuses a logger key with a dash', () => {
    expect(() => mode({ loggers: { 'my-sink': memoryLogger() } })).toThrow(InvalidDefinitionError);
  });

  it('refuses a preset whose name has a slash', () => {
    expect(() => preset({ name: 'dev/small' })).toThrow(InvalidDefinitionError);
  });

  it('refuses an alias with an invalid name', () => {
    expect(() => noop.alias('no way')).toThrow(InvalidDefinitionError);
  });

  it('refuses an executor whose name has a dash', () => {
    expect(() => executor({ name: 'my-exec', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) })).toThrow(
      InvalidDefinitionError,
    );
  });

  it('says in the message which names are valid', () => {
    expect(thrown(() => solid({ name: 'a b', compute: () => 1 })).message).toContain('^[A-Za-z0-9_]+$');
  });
});

describe('the name __proto__', () => {
  // A computed key makes `__proto__` an own key, as JSON.parse and YAML readers do.
  const protoKeyed = <T>(value: T): Record<string, T> => ({ ['__proto__']: value });
  const refused = (fn: () => unknown): string => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    return error.message;
  };

  it("is refused as an input name, instead of setting the inputs object's prototype", () => {
    const message = refused(() => solid({ name: 'takes_proto', inputs: protoKeyed(z.number()), compute: () => 1 }));
    expect(message).toContain('input name "__proto__" is refused');
  });

  it('is refused as an output name', () => {
    expect(refused(() => solid({ name: 'gives_proto', outputs: protoKeyed(z.number()), compute: () => ({}) }))).toContain('"__proto__"');
  });

  it('written as an object literal key (which sets the prototype) is refused, not silently dropped', () => {
    // eslint-disable-next-line no-proto
    const literal = { __proto__: z.number() } as unknown as Record<string, z.ZodType>;
    expect(refused(() => solid({ name: 'literal_proto', inputs: literal, compute: () => 1 }))).toContain('"__proto__" cannot be a name');
  });

  it('is refused as a solid, alias, pipeline, mode, preset, executor and resource-requirement name', () => {
    refused(() => solid({ name: '__proto__', compute: () => 1 }));
    refused(() => noop.alias('__proto__'));
    refused(() => pipeline({ name: '__proto__', modes: [quietMode()], graph: () => noop() }));
    refused(() => mode({ name: '__proto__' }));
    refused(() => preset({ name: '__proto__' }));
    refused(() => preset({ name: 'p', mode: '__proto__' }));
    refused(() => executor({ name: '__proto__', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) }));
    refused(() => solid({ name: 'needs_proto', resources: ['__proto__'], compute: () => 1 }));
    refused(() => resource({ resources: ['__proto__'], init: () => 1 }));
  });

  it('is refused as a resource or logger key of a mode', () => {
    refused(() => mode({ resources: protoKeyed(hardcodedResource(1)) }));
    refused(() => mode({ loggers: protoKeyed(memoryLogger()) }));
  });

  it('is refused as a key of a config, input or output object schema, at any depth', () => {
    const nested = z.object({ outer: z.array(z.object(protoKeyed(z.string()))) });
    expect(refused(() => solid({ name: 'c', config: nested, compute: () => 1 }))).toContain('inside "outer"');
    refused(() => resource({ config: z.object(protoKeyed(z.string())), init: () => 1 }));
    refused(() => logger({ config: z.object(protoKeyed(z.string())), init: () => ({ write: () => undefined }) }));
    refused(() =>
      executor({ name: 'e', config: z.object(protoKeyed(z.number())), create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) }),
    );
    refused(() => solid({ name: 'i', inputs: { x: z.object(protoKeyed(z.number())) }, compute: () => 1 }));
    refused(() => solid({ name: 'o', output: z.union([z.string(), z.object(protoKeyed(z.number()))]), compute: () => 'x' }));
  });

  it('leaves Object.prototype member names such as constructor and toString usable', () => {
    const s = solid({ name: 'constructor', inputs: { toString: z.number() }, config: z.object({ valueOf: z.number() }), compute: () => 1 });
    expect(s.name).toBe('constructor');
  });
});
