#!/usr/bin/env node
/**
 * The dependency check of `npm test` (`npm run depcheck`):
 *
 * 1. dependency-cruiser with the rules of .dependency-cruiser.cjs over lib/, modes/,
 *    operators/, examples/, bench/, test/ and playground/ (the browser app).
 *    dependency-cruiser reads TypeScript through
 *    the `typescript` package's compiler API, which TypeScript 7 (the native compiler this
 *    project builds with) does not have; so each source is first turned into JavaScript by
 *    esbuild (tsx's), with `import type` kept as an import so that type-only dependencies
 *    count too, in a mirror tree under node_modules/.cache whose paths are the sources'
 *    own (a `.ts` file read as `.js`; the report names the `.ts`).
 * 2. Built-ins use only what users have: every name that modes/ and operators/ import from
 *    lib/ must be exported by lib/index.ts, from the file it is imported from.
 *
 * Exits 1 when either finds something.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

// esbuild as tsx (a dependency) has it, wherever npm put it.
const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
/** @type {typeof import('esbuild')} */
const { transform } = fromTsx('esbuild');

const root = fileURLToPath(new URL('..', import.meta.url));
const mirror = join(root, 'node_modules/.cache/modeflow-depcheck');
const folders = ['lib', 'modes', 'operators', 'examples', 'bench', 'test', 'playground'];

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ts|tsx|mts|mjs|js|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** TypeScript's type-only imports and re-exports as plain ones, so that they survive the transform. */
function keepTypeImports(source) {
  return source
    .replace(/\b(import|export)\s+type\s+(?=[{*])/g, '$1 ')
    .replace(
      /(\b(?:import|export)\s*\{)([^}]*)(\}\s*from\s*['"])/g,
      (_, head, names, tail) => head + names.replace(/\btype\s+/g, '') + tail,
    );
}

// ---- 1. dependency-cruiser over a JavaScript mirror of the sources ----------------------

rmSync(mirror, { recursive: true, force: true });
const fromTs = new Set();
/** Mirror path → source path (a `.js` may stand for a `.ts` or a `.tsx`). */
const sourceOf = new Map();
const sources = folders.flatMap(filesUnder);
await Promise.all(
  sources.map(async (file) => {
    let text = readFileSync(join(root, file), 'utf8');
    let target = file;
    if (/\.(m?ts|tsx)$/.test(file)) {
      const { code } = await transform(keepTypeImports(text), {
        loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
        jsx: 'automatic',
        jsxImportSource: 'preact',
        format: 'esm',
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      text = code.replace(/(['"])(\.{1,2}\/[^'"]*?)\.(?:m?ts|tsx)\1/g, '$1$2.js$1');
      target = file.replace(/\.(m?ts|tsx)$/, '.js');
      fromTs.add(target);
      sourceOf.set(target, file);
    }
    mkdirSync(dirname(join(mirror, target)), { recursive: true });
    writeFileSync(join(mirror, target), text);
  }),
);
const cruiser = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const cruised = spawnSync(
  process.execPath,
  [cruiser, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err', ...folders],
  {
    cwd: mirror,
    encoding: 'utf8',
  },
);
const named = (text) =>
  text.replace(/\b((?:lib|modes|operators|examples|bench|test|playground)\/[\w./-]+?\.js)\b/g, (path) =>
    fromTs.has(path) ? sourceOf.get(path) : path,
  );
process.stdout.write(named(cruised.stdout));
process.stderr.write(named(cruised.stderr));

// ---- 2. modes/ and operators/ import from lib/ only what lib/index.ts exports ----------------

/** What lib/index.ts exports, by the file it exports it from: names, and files whose every type it exports. */
function publicNames() {
  const index = readFileSync(join(root, 'lib/index.ts'), 'utf8');
  const names = new Map();
  const allTypes = new Set();
  for (const [, list, from] of index.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    const file = posix.normalize(posix.join('lib', from));
    const set = names.get(file) ?? new Set();
    for (const name of list
      .split(',')
      .map((n) => n.replace(/\btype\s+/, '').trim())
      .filter(Boolean))
      set.add(name);
    names.set(file, set);
  }
  for (const [, from] of index.matchAll(/export\s+type\s+\*\s+from\s*'([^']+)'/g)) allTypes.add(posix.normalize(posix.join('lib', from)));
  return { names, allTypes };
}

const exported = publicNames();
const misses = [];
for (const file of sources.filter((f) => /^(modes|operators)\/.*\.ts$/.test(f))) {
  const text = readFileSync(join(root, file), 'utf8');
  for (const match of text.matchAll(/import\s+(type\s+)?(\{[^}]*\}|\*\s+as\s+\w+|\w+)?\s*(?:from\s*)?'([^']+)'/g)) {
    const [, typeOnly, clause, spec] = match;
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), spec));
    if (!target.startsWith('lib/')) continue;
    if (!clause || !clause.startsWith('{')) {
      misses.push(`${file}: imports ${target} whole (${clause ?? 'for its side effects'}); import named public pieces`);
      continue;
    }
    for (const raw of clause
      .slice(1, -1)
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)) {
      const isType = Boolean(typeOnly) || raw.startsWith('type ');
      const name = raw
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        .trim();
      const ok = exported.names.get(target)?.has(name) || (isType && exported.allTypes.has(target));
      if (!ok) misses.push(`${file}: ${name} from ${target} is not exported by lib/index.ts`);
    }
  }
}
if (misses.length) {
  console.log(`\n  ✘ built-ins use only what users have: ${misses.length} import(s) of non-public pieces\n`);
  for (const miss of misses) console.log(`    ${miss}`);
  console.log('\n    export the piece from lib/index.ts (with a doc comment), or do without it\n');
} else {
  console.log('✔ built-ins use only what users have: every name modes/ and operators/ import from lib/ is exported by lib/index.ts');
}

process.exit(cruised.status !== 0 || misses.length ? 1 : 0);
