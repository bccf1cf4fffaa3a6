/**
 * Vite config of the playground's browser app: `npm run build` puts it in dist/playground,
 * where `modeflow ui` serves it from. JSX is preact's, compiled by Vite's own transform (no
 * Babel preset). `base: './'` keeps asset URLs relative, so the app works under any path.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'es' },
  build: {
    outDir: here('../dist/playground'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // One page bundle by design (~600 KB minified, ~200 KB gzipped; the goal is ≤ 250 KB gzipped).
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run playground:dev` proxies the API to a running `modeflow ui` (MODEFLOW_UI, default :3000).
    proxy: { '/api': process.env['MODEFLOW_UI'] ?? 'http://127.0.0.1:3000' },
  },
});
