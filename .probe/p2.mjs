import { z } from 'zod';
const pre = (s) => z.preprocess((v) => v, s);
const s = z.strictObject({ a: pre(z.coerce.number()), b: pre(z.string().optional()), c: pre(z.number().default(4)), d: pre(z.object({ e: pre(z.number()) })) });
console.log(JSON.stringify(z.toJSONSchema(s, { io: 'input' })));
console.log(JSON.stringify(s.parse({ a: '1', d: { e: 1 } })));
const marked = new WeakSet();
const leaf = pre(z.number()); marked.add(leaf);
const s2 = z.strictObject({ x: leaf });
console.log(JSON.stringify(z.toJSONSchema(s2, { io: 'input', override: (ctx) => { if (marked.has(ctx.zodSchema)) { const c = { ...ctx.jsonSchema }; for (const k of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[k]; ctx.jsonSchema.anyOf = [c, { type: 'object' }]; } } })));
// never catchall message with path
const s3 = z.object({ a: z.number() }).catchall(z.never({ error: (iss) => `unknown key at ${JSON.stringify(iss.path)} input ${iss.input}` }));
console.log(JSON.stringify(s3.safeParse({ a: 1, foo: 2 }).error.issues), JSON.stringify(z.toJSONSchema(s3)));
const ud = z.strictObject({a: z.number()}, { error: (iss) => iss.code === 'unrecognized_keys' ? `unk ${iss.keys} path ${JSON.stringify(iss.path)}` : undefined });
console.log(JSON.stringify(ud.safeParse({b:1}).error.issues));
