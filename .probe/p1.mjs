import { z } from 'zod';
const s = z.object({ a: z.coerce.number(), b: z.string().min(3).optional(), c: z.object({d: z.number().default(1)}).default({}) }).strict();
console.log(s._zod.def.type, s._zod.def.catchall?._zod.def.type, s._zod.def.shape.b._zod.def.type, s._zod.def.shape.c._zod.def.type);
const p = z.preprocess((v, ctx) => { console.log('ctx keys', Object.keys(ctx)); if (v === 'bad') { ctx.addIssue({ code: 'custom', message: 'env X not set' }); return v; } return v; }, z.number());
console.log(JSON.stringify(p.safeParse('bad')));
console.log(JSON.stringify(s.safeParse({ a: '3', x: 1 , y: 2})));
// custom unknown key message
const s2 = z.strictObject({ a: z.number() }, { error: (iss) => iss.code === 'unrecognized_keys' ? `unknown ${iss.keys}` : undefined });
console.log(JSON.stringify(s2.safeParse({ a: 'x', x: 1 }).error.issues));
const ext = s.extend({ a: z.string() });
console.log(ext._zod.def.catchall?._zod.def.type, JSON.stringify(ext.safeParse({a:'x', z:1}).error?.issues));
// preprocess inside object path
const s3 = z.object({ n: z.object({ m: z.preprocess((v, ctx) => { ctx.addIssue({code:'custom', message:'unset'}); return z.NEVER; }, z.number()) }) });
console.log(JSON.stringify(s3.safeParse({ n: { m: 1 } }).error.issues));
console.log(z.preprocess(v=>v, z.number().optional()).safeParse(undefined).success, z.preprocess(v=>v, z.number().default(3)).parse(undefined));
const o = z.object({ k: z.preprocess(v=>v, z.number().optional()) }); console.log(o.safeParse({}).success);
console.log(Object.keys(z.object({}).strict()._zod.def));
