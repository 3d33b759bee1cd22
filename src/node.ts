// The Node.js entry (what `import … from 'tegaki'` gives in Node): the universal API of index.ts,
// plus the native backend (the default where its addon loads), model files (file:// and plain
// paths), checkpoints and datasets read from disk.

import { registerNativeBackend } from './backend/native/register.js';
import { registerFileRouters } from './io/file-system.js';

registerNativeBackend();
registerFileRouters();

export * from './index.js';
export * as io from './io/node.js';
export * as datasets from './data/index.js';
export { loadModel, saveModel } from './model/files.js';
export { modelCheckpoint, ModelCheckpoint, backupAndRestore, BackupAndRestore, readBackup } from './model/checkpoint.js';
// overrides index.ts' callbacks with the Node.js one (which adds csvLogger)
export * as callbacks from './model/callback-factories-node.js';
export { CSVLogger, csvLogger } from './model/csv-logger.js';
