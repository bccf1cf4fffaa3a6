import { z } from 'zod';
const pre = (s) => z.preprocess((v) => v, s);
console.log(JSON.stringify(z.object({ a: pre(z.string()) }).safeParse({})));
console.log(JSON.stringify(z.object({ a: pre(z.object({n: z.number()})) }).safeParse({})));
console.log(JSON.stringify(z.toJSONSchema(z.object({ a: pre(z.string()), b: pre(z.string()).prefault('x') }), {io:'input'})));
const s = z.string().describe('d'); console.log(s._zod.parent === undefined, Object.keys(s._zod).slice(0,30));
