// Builds the browser app (web/) into dist/web, which `tegaki serve` serves. The engine code comes
// from src/ directly; its two Node-only imports (the native addon loader in backend/select.ts, the
// disk saving behind Sequential.save) are swapped for stubs: browsers have neither.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  base: './',
  resolve: {
    alias: [
      { find: /^\.\/native\/index\.js$/, replacement: here('./web/src/native-stub.ts') },
      { find: /^\.\.\/io\/model-file\.js$/, replacement: here('./web/src/node-only-stub.ts') },
    ],
  },
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
