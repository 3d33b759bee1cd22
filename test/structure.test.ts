// The structure that keeps the code safe to change: imports run one way (no cycles), what ships to
// the browser reaches nothing of Node.js, the CLI and the server share the run module instead of
// each other, and only the backend touches kernels.

import assert from 'node:assert/strict';
import test from 'node:test';
import { importCycles, importGraph, reachable } from './helpers/imports.js';

const { local, external } = importGraph('src', 'web/src');
const files = [...local.keys()];
const importsOf = (prefix: string) => files.filter((f) => f.startsWith(prefix)).flatMap((f) => (local.get(f) ?? []).map((to) => [f, to] as const));

test('no import cycles in src/ (type imports included)', () => {
  const cycles = importCycles(new Map([...local].filter(([f]) => f.startsWith('src/'))));
  assert.deepEqual(cycles, [], `cycles:\n${cycles.map((c) => c.join(' → ')).join('\n')}`);
});

test('the cycle finder finds a cycle when there is one', () => {
  const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(importCycles(graph), [['a', 'b', 'c']]);
  assert.deepEqual(importCycles(new Map([['a', ['a']]])), [['a']]);
  assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', []]])), []);
});

test('the browser build reaches no Node.js module, no native addon and no Node-only package', () => {
  const entries = ['src/index.ts', ...files.filter((f) => f.startsWith('web/src/'))];
  const shipped = reachable(local, entries);
  assert.ok(shipped.has('src/model/sequential.ts') && shipped.has('src/backend/ts/index.ts'), 'the walk follows imports');
  const outside = [...shipped].flatMap((f) => (external.get(f) ?? []).map((spec) => `${f} imports '${spec}'`));
  assert.deepEqual(outside, []);
  const nodeOnly = [...shipped].filter((f) => /^src\/(backend\/native|cli|server|run)\//.test(f) || f === 'src/node.ts');
  assert.deepEqual(nodeOnly, []);
});

test('cli/ and server/ never import each other; both go through run/', () => {
  const crossing = [...importsOf('src/cli/').filter(([, to]) => to.startsWith('src/server/')), ...importsOf('src/server/').filter(([, to]) => to.startsWith('src/cli/'))];
  assert.deepEqual(crossing, []);
  assert.ok(importsOf('src/cli/').some(([, to]) => to.startsWith('src/run/')) && importsOf('src/server/').some(([, to]) => to.startsWith('src/run/')));
});

test('only backend/ touches kernels: layers use the Backend interface, the CLI, reports, server and web app none', () => {
  const implementations = /^src\/backend\/(ts|native)\//;
  const offenders = files
    .filter((f) => !f.startsWith('src/backend/') && f !== 'src/node.ts')
    .flatMap((f) => (local.get(f) ?? []).filter((to) => implementations.test(to)).map((to) => `${f} → ${to}`));
  assert.deepEqual(offenders, []);
  const selectors = files
    .filter((f) => /^(src\/(cli|report|server)|web\/src)\//.test(f))
    .flatMap((f) => (local.get(f) ?? []).filter((to) => to.startsWith('src/backend/')).map((to) => `${f} → ${to}`));
  assert.deepEqual(selectors, []);
});
