// tf.callbacks in Node.js: the universal factories plus those that write files.

export * from './callback-factories.js';
export { csvLogger } from './csv-logger.js';
