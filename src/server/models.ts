// The models the server offers: the one given with --model, and every folder holding a model.json
// up to two levels under the runs folder. Ids come from this list only, never from a client path.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { loadModel } from '../io/model-file.js';
import type { ModelMetadata } from '../io/model-json.js';
import type { Sequential } from '../model/sequential.js';

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
    const json = JSON.parse(readFileSync(file, 'utf8')) as { modelTopology?: { config?: { name?: string } }; userDefinedMetadata?: { tegaki?: ModelMetadata } };
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
  private readonly cache = new Map<string, { savedAt: number; model: Sequential }>();

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

  /** The loaded model, reloaded when its model.json changes. */
  load(entry: ModelEntry): Sequential {
    const cached = this.cache.get(entry.dir);
    if (cached && cached.savedAt === entry.savedAt) return cached.model;
    const model = loadModel(entry.dir);
    this.cache.set(entry.dir, { savedAt: entry.savedAt, model });
    return model;
  }
}
