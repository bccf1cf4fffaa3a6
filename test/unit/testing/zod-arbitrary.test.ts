import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidDefinitionError } from '../../../lib/index.ts';
import { SUPPORTED_ZOD_TYPES, zodArbitrary } from '../../../lib/testing/index.ts';

interface Tree {
  value: number;
  children: Tree[];
}
const tree: z.ZodType<Tree> = z.lazy(() => z.object({ value: z.number(), children: z.array(tree) }));
const category = z.object({
  name: z.string(),
  get subcategories() {
    return z.array(category).max(2);
  },
});

/** What TypeScript makes of `enum Color { Red, Green = 'green' }`: numeric members map back. */
const Color = { Red: 0, Green: 'green', 0: 'Red' } as unknown as { readonly Red: 0; readonly Green: 'green' };

/** One schema per line: each kind of zod 4 type, and the checks on each. */
const schemas: Record<string, z.ZodType> = {
  string: z.string(),
  'string min/max': z.string().min(3).max(6),
  'string length': z.string().length(4),
  'string regex': z.string().regex(/^[a-f]{2}-\d{3}$/),
  'string regex and length': z.string().regex(/^x+$/).max(4),
  'string startsWith/endsWith/includes': z.string().startsWith('ab').endsWith('yz').includes('mm').max(12),
  'string lowercase': z.string().lowercase().min(1),
  'string uppercase': z.string().toUpperCase().uppercase(),
  'string trim then min': z.string().trim().min(2),
  email: z.email(),
  'string().email()': z.string().email(),
  uuid: z.uuid(),
  uuidv4: z.uuidv4(),
  guid: z.guid(),
  url: z.url(),
  httpUrl: z.httpUrl(),
  'iso date': z.iso.date(),
  'iso datetime': z.iso.datetime(),
  'iso datetime with offset': z.iso.datetime({ offset: true, precision: 3 }),
  'iso time': z.iso.time(),
  'iso duration': z.iso.duration(),
  ipv4: z.ipv4(),
  ipv6: z.ipv6(),
  cidrv4: z.cidrv4(),
  cidrv6: z.cidrv6(),
  base64: z.base64(),
  base64url: z.base64url(),
  e164: z.e164(),
  jwt: z.jwt(),
  'jwt with alg': z.jwt({ alg: 'HS256' }),
  emoji: z.emoji(),
  nanoid: z.nanoid(),
  cuid: z.cuid(),
  cuid2: z.cuid2(),
  ulid: z.ulid(),
  xid: z.xid(),
  ksuid: z.ksuid(),
  mac: z.mac(),
  hex: z.hex(),
  hostname: z.hostname(),
  hash: z.hash('sha256'),
  creditCard: z.creditCard(),
  iban: z.iban(),
  currencyCode: z.currencyCode(),
  uuidv7: z.uuidv7(),
  stringFormat: z.stringFormat('even-digits', (s) => /^\d*$/.test(s) && s.length % 2 === 0),
  number: z.number(),
  'number range exclusive': z.number().gt(-1).lt(1),
  'number positive': z.number().positive(),
  int: z.int(),
  'int range': z.number().int().min(-5).max(5),
  int32: z.int32(),
  uint32: z.uint32(),
  float32: z.float32(),
  float64: z.float64(),
  multipleOf: z.number().multipleOf(5).min(-100).max(100),
  'multipleOf fraction': z.number().multipleOf(0.1).min(0).max(2),
  'number refine': z.number().refine((n) => n !== 0),
  bigint: z.bigint(),
  'bigint range step': z.bigint().min(-10n).max(1000n).multipleOf(7n),
  'bigint exclusive': z.bigint().positive(),
  int64: z.int64(),
  uint64: z.uint64(),
  boolean: z.boolean(),
  date: z.date(),
  'date range': z.date().min(new Date('2020-01-01')).max(new Date('2020-12-31')),
  symbol: z.symbol(),
  null: z.null(),
  undefined: z.undefined(),
  void: z.void(),
  nan: z.nan(),
  any: z.any(),
  unknown: z.unknown(),
  literal: z.literal('on'),
  literals: z.literal(['a', 3, true, 7n, null]),
  enum: z.enum(['red', 'green', 'blue']),
  'native enum': z.enum(Color),
  'template literal': z.templateLiteral(['id-', z.number().int(), '-', z.enum(['a', 'b'])]),
  file: z.file().max(100).mime(['image/png', 'text/plain']),
  object: z.object({ a: z.string(), b: z.number().optional(), 'odd key': z.boolean() }),
  'strict object': z.strictObject({ a: z.string() }),
  'loose object': z.looseObject({ a: z.string() }),
  'object catchall': z.object({ a: z.string() }).catchall(z.number()),
  'object refine': z.object({ lo: z.number(), hi: z.number() }).refine((r) => r.lo <= r.hi),
  array: z.array(z.number()),
  'array min/max': z.array(z.string()).min(2).max(4),
  'array nonempty length': z.array(z.boolean()).length(3),
  tuple: z.tuple([z.string(), z.number()]),
  'tuple rest': z.tuple([z.string()], z.number()),
  record: z.record(z.string(), z.number()),
  'record enum keys': z.record(z.enum(['a', 'b']), z.number()),
  partialRecord: z.partialRecord(z.enum(['a', 'b', 'c']), z.string()),
  'record numeric keys': z.record(z.number(), z.string()),
  map: z.map(z.string(), z.number()),
  set: z.set(z.number()).min(1).max(5),
  union: z.union([z.string(), z.number()]),
  'discriminated union': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('circle'), r: z.number() }),
    z.object({ kind: z.literal('square'), side: z.number() }),
  ]),
  xor: z.xor([z.string(), z.number()]),
  'intersection of objects': z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
  'intersection of ranges': z.intersection(z.number().int().min(0).max(20), z.number().int().min(10).max(30)),
  optional: z.string().optional(),
  nullable: z.number().nullable(),
  nullish: z.number().nullish(),
  nonoptional: z.string().optional().nonoptional(),
  default: z.number().default(3),
  prefault: z.string().prefault('x'),
  catch: z.number().catch(0),
  success: z.success(z.string()),
  readonly: z.object({ a: z.string() }).readonly(),
  transform: z.string().transform((s) => s.length),
  'transform adding issues': z.string().transform((s, ctx) => {
    if (s.includes('!')) ctx.addIssue({ code: 'custom', message: 'no !' });
    return s;
  }),
  preprocess: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1)),
  'pipe to a narrower schema': z.string().pipe(z.email()),
  codec: z.codec(z.iso.datetime(), z.date(), {
    decode: (s) => new Date(s),
    encode: (d) => d.toISOString(),
  }),
  stringbool: z.stringbool(),
  coerce: z.coerce.number().int().min(0),
  keyof: z.keyof(z.object({ a: z.string(), b: z.number() })),
  exactOptional: z.object({ a: z.exactOptional(z.string()) }),
  looseRecord: z.looseRecord(z.string().regex(/^a/), z.number()),
  json: z.json(),
  'lazy tree': tree,
  'object getter recursion': category,
  'config-like': z.object({
    database: z.object({ host: z.string().default('localhost'), port: z.number().int().min(1).max(65535).default(5432) }),
    retries: z.number().int().nonnegative().default(3),
    mode: z.enum(['fast', 'safe']).optional(),
    tags: z.array(z.string().min(1)).max(3).default([]),
  }),
};

describe('zodArbitrary', () => {
  it.each(Object.entries(schemas))('generates only values %s accepts', (_name, schema) => {
    fc.assert(
      fc.property(zodArbitrary(schema), (value) => {
        const parsed = z.safeParse(schema, value);
        if (!parsed.success) throw new Error(`rejected ${fc.stringify(value)}: ${parsed.error.message}`);
      }),
      { numRuns: 60 },
    );
  });

  it('the table covers every zod type it supports', () => {
    const types = new Set<string>();
    const visited = new Set<z.core.$ZodType>();
    const visit = (schema: z.core.$ZodType): void => {
      if (visited.has(schema)) return;
      visited.add(schema);
      const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
      types.add(def.type);
      const parts = [
        def['innerType'],
        def['element'],
        def['keyType'],
        def['valueType'],
        def['in'],
        def['out'],
        def['left'],
        def['right'],
        def['rest'],
        def['catchall'],
      ];
      parts.push(...((def['options'] as unknown[] | undefined) ?? []), ...((def['items'] as unknown[] | undefined) ?? []));
      parts.push(...Object.values((def['shape'] as Record<string, unknown> | undefined) ?? {}));
      if (def.type === 'lazy') parts.push((def['getter'] as () => unknown)());
      for (const part of parts) if (typeof part === 'object' && part !== null && '_zod' in part) visit(part as z.core.$ZodType);
    };
    for (const schema of Object.values(schemas)) visit(schema);
    expect(SUPPORTED_ZOD_TYPES.filter((type) => !types.has(type))).toEqual([]);
    expect(SUPPORTED_ZOD_TYPES).toHaveLength(35);
  });

  it('honours lengths, ranges, steps and patterns by construction (a filter would give up on these)', () => {
    const rare: z.ZodType[] = [
      z.string().length(40),
      z.string().startsWith('order-').endsWith('.json').min(30),
      z.string().regex(/^[a-z]{30}$/),
      z
        .number()
        .int()
        .min(1e9)
        .max(1e9 + 3),
      z.number().gt(0.5).lt(0.5000001),
      z.number().multipleOf(997).min(1e6),
      z
        .bigint()
        .min(10n ** 30n)
        .max(10n ** 30n + 5n),
      z.date().min(new Date('2030-01-01')).max(new Date('2030-01-01T00:00:01Z')),
      z.array(z.number()).length(25),
      z.set(z.string()).size(12),
      z.record(z.enum(['a', 'b', 'c', 'd', 'e', 'f']), z.boolean()),
    ];
    for (const schema of rare) {
      for (const value of fc.sample(zodArbitrary(schema), 30)) expect(z.safeParse(schema, value).success).toBe(true);
    }
  });

  it('generates the input side: strings for a transform to numbers, absent values for a default', () => {
    const lengths = fc.sample(zodArbitrary(z.string().transform((s) => s.length)), 50);
    expect(lengths.every((v) => typeof v === 'string')).toBe(true);
    const defaults = fc.sample(zodArbitrary(z.object({ n: z.number().default(3) })), 200);
    expect(defaults.some((v) => v.n === undefined)).toBe(true);
    expect(defaults.some((v) => typeof v.n === 'number')).toBe(true);
    const booleans = fc.sample(zodArbitrary(z.stringbool()), 50);
    expect(booleans.every((v) => typeof v === 'string')).toBe(true);
  });

  it('bounds recursion: trees stop at maxDepth', () => {
    const depth = (t: Tree): number => 1 + Math.max(0, ...t.children.map(depth));
    for (const t of fc.sample(zodArbitrary(tree, { maxDepth: 2 }), 100)) expect(depth(t as Tree)).toBeLessThanOrEqual(3);
  });

  it('shrinks: a property failing above 10 shrinks to the smallest counterexample the schema allows', () => {
    const schema = z.object({ n: z.number().int().min(3).max(1000), name: z.string().min(2) });
    const details = fc.check(
      fc.property(zodArbitrary(schema), (v) => v.n <= 10),
      { seed: 42 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample?.[0]).toEqual({ n: 11, name: '  ' });
  });

  it('shrinks through refinements, as fast-check filters do', () => {
    const notSevens = z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .refine((n) => n % 7 !== 0);
    const details = fc.check(
      fc.property(zodArbitrary(notSevens), (n) => n < 100),
      { seed: 1 },
    );
    expect(details.counterexample?.[0]).toBe(100);
  });

  it.each([
    ['z.custom()', z.object({ a: z.object({ b: z.array(z.object({ c: z.custom<Buffer>() })) }) }), 'a.b[0].c', 'z.custom()'],
    ['z.function()', z.object({ callback: z.function() }), 'callback', 'z.function()'],
    ['a bare z.transform()', z.tuple([z.string(), z.transform((v) => v)]), '[1]', 'z.transform()'],
    ['z.promise()', z.record(z.string(), z.promise(z.number())), '[<key>]', 'z.promise()'],
    ['z.custom() in a set', z.object({ s: z.set(z.custom()) }), 's[0]', 'z.custom()'],
    ['z.custom() in a tuple rest', z.object({ t: z.tuple([z.string()]).rest(z.custom()) }), 't[1]', 'z.custom()'],
    ['z.custom() as a map value', z.object({ m: z.map(z.string(), z.array(z.custom())) }), 'm[<key>][0]', 'z.custom()'],
    ['z.custom() as a map key', z.object({ m: z.map(z.custom(), z.number()) }), 'm(keys)', 'z.custom()'],
    ['z.custom() as an object catchall', z.object({ o: z.object({}).catchall(z.custom()) }), 'o[<key>]', 'z.custom()'],
  ])('refuses %s, naming the path inside the schema as DESIGN writes it (a.b[0].c)', (_name, schema, path, what) => {
    let error: unknown;
    try {
      zodArbitrary(schema as z.ZodType);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect((error as Error).message).toContain(`at ${path}:`);
    expect((error as Error).message).toContain(what);
  });

  it('takes an arbitrary for a part it cannot generate', () => {
    const buffer = z.custom<Buffer>((v) => Buffer.isBuffer(v));
    const schema = z.object({ payload: buffer, size: z.number().int().min(0) });
    const arb = zodArbitrary(schema, { overrides: new Map([[buffer, fc.uint8Array().map((a) => Buffer.from(a))]]) });
    for (const v of fc.sample(arb, 20)) expect(schema.safeParse(v).success).toBe(true);
  });

  it('says which refinement rejects nearly everything, instead of looping forever', () => {
    const schema = z.object({ id: z.string().refine((s) => s === 'the one') });
    expect(() => fc.sample(zodArbitrary(schema), 1)).toThrow(/the checks at id rejected 1000 generated values in a row/);
  });

  it('refuses a schema no value satisfies', () => {
    expect(() => zodArbitrary(z.object({ a: z.never() }))).toThrow(InvalidDefinitionError);
    expect(fc.sample(zodArbitrary(z.object({ a: z.never().optional() })), 5)).toEqual([{}, {}, {}, {}, {}]);
  });
});
