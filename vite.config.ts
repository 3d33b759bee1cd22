// Builds the browser app (web/) into dist/web, which `tegaki serve` serves. The engine comes from
// src/index.ts, the entry that runs anywhere: nothing of Node.js is reachable from it (a test in
// npm test walks its imports), so the bundle needs no stubs.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  base: './',
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
