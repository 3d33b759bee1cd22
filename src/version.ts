// tf.version and tf.enableProdMode, which TF.js programs call on startup.

/** The versions a program can print: tegaki's, and the TF.js API it follows. */
export const version = { tegaki: '0.1.0', 'tfjs-core': '4.22.0', 'tfjs-layers': '4.22.0', 'tfjs-data': '4.22.0', tfjs: '4.22.0' } as const;

/** TF.js' production mode skips debug checks; tegaki has no debug mode, so there is nothing to change. */
export function enableProdMode(): void {}
