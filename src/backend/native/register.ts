// Makes the native C++ backend the default where its addon loads (imported by the Node.js entry).

import { registerBackend } from '../select.js';
import { loadNative } from './index.js';

let registered = false;

export function registerNativeBackend(): void {
  if (registered) return;
  registered = true;
  registerBackend('native', () => loadNative().backend ?? { unavailable: `${loadNative().reason}; build it with \`npm run build:native\` or use TEGAKI_BACKEND=ts` }, 2);
}
