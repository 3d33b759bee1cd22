// tf.io in Node.js: everything of io/index.ts plus the file-system handler (file://).

export * from './index.js';
export { fileSystem } from './file-system.js';
