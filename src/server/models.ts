// The models the server offers: the one given with --model, and every folder holding a model.json
// up to two levels under the runs folder. Ids come from this list only, never from a client path.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { readRegularFile } from '../io/files.js';
import { loadModel } from '../model/files.js';
import type { ModelMetadata } from '../model/metadata.js';
import type { Sequential } from '../model/sequential.js';
import { TegakiError } from '../errors.js';

export interface ModelEntry {
  /** Its path under the runs folder ('/'-separated), or the folder name for --model. */
  id: string;
  dir: string;
  /** 'nn', 'cnn' or the model's name. */
  kind: string;
  /** Test accuracy saved with the model, when it has one. */
  testAccuracy: number | null;
  /** report.html exists in the folder. */
  hasReport: boolean;
  /** model.json's modification time (ms since epoch). */
  savedAt: number;
}

function describe(id: string, dir: string): ModelEntry | null {
  const file = join(dir, 'model.json');
  try {
    const json = JSON.parse(readRegularFile(file, 64 * 1024 * 1024, 'model.json').toString('utf8')) as { modelTopology?: { config?: { name?: string } }; userDefinedMetadata?: { tegaki?: ModelMetadata } };
    const meta = json.userDefinedMetadata?.tegaki ?? {};
    const training = meta['training'] as { model?: string } | undefined;
    const test = meta['test'] as { accuracy?: number } | undefined;
    return {
      id,
      dir,
      kind: training?.model ?? json.modelTopology?.config?.name ?? 'model',
      testAccuracy: typeof test?.accuracy === 'number' ? test.accuracy : null,
      hasReport: existsSync(join(dir, 'report.html')),
      savedAt: statSync(file).mtimeMs,
    };
  } catch {
    return null; // half-written or foreign: not offered
  }
}

/** Folders with a model.json at depth 1 or 2 under root. */
function findModelDirs(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'backup') continue;
      const sub = join(dir, name);
      try {
        if (!statSync(sub).isDirectory()) continue;
      } catch {
        continue;
      }
      if (existsSync(join(sub, 'model.json'))) found.push(sub);
      else if (depth < 2) visit(sub, depth + 1);
    }
  };
  visit(root, 1);
  return found;
}

export class ModelCatalog {
  readonly runsDir: string;
  private readonly pinned: string | null;
  private readonly cache = new Map<string, { savedAt: number; model: Sequential | null; error: string }>();

  constructor(options: { runsDir: string; modelDir?: string }) {
    this.runsDir = resolve(options.runsDir);
    this.pinned = options.modelDir ? resolve(options.modelDir) : null;
  }

  /** Newest first, the --model one ahead of all. */
  list(): ModelEntry[] {
    const entries: ModelEntry[] = [];
    for (const dir of findModelDirs(this.runsDir)) {
      if (dir === this.pinned) continue;
      const entry = describe(relative(this.runsDir, dir).split(sep).join('/'), dir);
      if (entry) entries.push(entry);
    }
    entries.sort((a, b) => b.savedAt - a.savedAt);
    const pinned = this.pinned ? describe(basename(this.pinned), this.pinned) : null;
    return pinned ? [pinned, ...entries.filter((e) => e.id !== pinned.id)] : entries;
  }

  get(id: string): ModelEntry | undefined {
    return this.list().find((e) => e.id === id);
  }

  /** The loaded model, reloaded when its model.json changes; errors name it by its id. */
  load(entry: ModelEntry): Sequential {
    let cached = this.cache.get(entry.dir);
    if (!cached || cached.savedAt !== entry.savedAt) {
      try {
        cached = { savedAt: entry.savedAt, model: loadModel(entry.dir, { displayDir: entry.id }), error: '' };
      } catch (e) {
        if (!(e instanceof TegakiError)) throw e;
        cached = { savedAt: entry.savedAt, model: null, error: e.message };
      }
      this.cache.set(entry.dir, cached);
    }
    if (!cached.model) throw new TegakiError(cached.error);
    return cached.model;
  }

  /** The first model in list order that loads: one broken folder must not take the app down. */
  newestLoadable(): ModelEntry | undefined {
    return this.list().find((entry) => {
      try {
        this.load(entry);
        return true;
      } catch {
        return false;
      }
    });
  }

  /** A message with the server's own folders written relative to them (clients see no server paths). */
  relativePaths(message: string): string {
    let out = message;
    if (this.pinned) out = out.split(this.pinned).join(basename(this.pinned));
    return out.split(this.runsDir + sep).join('').split(this.runsDir).join('.').split(process.cwd() + sep).join('');
  }
}
