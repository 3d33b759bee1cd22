// `tegaki predict --model DIR FILE|DIR…`: classify image files with a saved model, preparing each
// image the way the model was trained (MNIST-style for digit models).

import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { grayToPng, isImageFile } from '../data/images.js';
import { inputSpec, prepareImage, type PreparedInput } from '../data/model-input.js';
import { TegakiError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { describeFsError, pathKind } from '../io/files.js';
import { prepareOutputDir } from '../run/output.js';
import { loadModel } from '../model/files.js';
import { Tensor } from '../tensor.js';
import { parse, UsageError } from '../args.js';
import { intSetting } from '../run/settings.js';

export const PREDICT_HELP = `Usage: tegaki predict --model DIR FILE|DIR... [options]

Classify images (PNG, JPEG, WebP, GIF, TIFF). Photos of handwritten digits are turned into what an
MNIST model expects (white ink on black, fitted in 20×20, centred by mass in 28×28).

Options:
  --model DIR          the saved model
  --top N              classes to show per image (default 3)
  --json               print JSON for programs
  --save-inputs DIR    write the images the model actually saw, as PNG`;

/** Image files named on the command line; folders give their images in name order (only regular files). */
function expandInputs(paths: string[], warn: (message: string) => void): string[] {
  const files: string[] = [];
  for (const p of paths) {
    // anything but a folder is read as an image, and refused there if it is not a regular file
    if (pathKind(p) !== 'folder') {
      files.push(p);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(p).filter(isImageFile).sort();
    } catch (e) {
      throw new TegakiError(`${p}: cannot read the folder (${describeFsError(e)}).`);
    }
    for (const name of names) {
      const file = join(p, name);
      if (pathKind(file) === 'file') files.push(file);
      else warn(`skipped ${file}: not a regular file`);
    }
  }
  return files;
}

/** A PNG name per input for --save-inputs: d0.png stays d0.png, d0.jpg becomes d0.jpg.png, repeats get -2, -3. */
export function savedInputNames(files: readonly string[]): string[] {
  const used = new Set<string>();
  return files.map((file) => {
    const base = basename(file);
    const stem = /\.png$/i.test(base) ? base.slice(0, -4) : base;
    let name = `${stem}.png`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${stem}-${n}.png`;
    used.add(name.toLowerCase());
    return name;
  });
}

interface Row {
  file: string;
  predictions?: { class: string; probability: number }[];
  error?: string;
}

export async function predictCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' }, 'save-inputs': { type: 'string' } }, 'predict');
  const modelPath = values['model'] as string | undefined;
  if (!modelPath) throw new UsageError('predict: which model? Give --model DIR.');
  if (positionals.length === 0) throw new UsageError('predict: give one or more image files or folders.');
  const model = loadModel(modelPath);
  const classNames = model.metadata.classNames ?? Array.from({ length: model.outputShape[0]! }, (_, i) => String(i));
  const top = Math.min(intSetting(values, 'top', 3), classNames.length);
  const spec = inputSpec(model.inputShape, model.metadata);
  const saveDir = values['save-inputs'] as string | undefined;
  if (saveDir !== undefined) prepareOutputDir(saveDir, 'save-inputs');
  const files = expandInputs(positionals, (w) => console.error(`tegaki: warning: ${w}`));
  if (files.length === 0) throw new TegakiError(`No image files in ${positionals.join(', ')}.`);
  const savedNames = savedInputNames(files);

  const rows: Row[] = [];
  const ready: { row: Row; input: PreparedInput }[] = [];
  for (const [i, file] of files.entries()) {
    const row: Row = { file };
    rows.push(row);
    try {
      const input = await prepareImage(file, spec, file);
      ready.push({ row, input });
      if (saveDir && input.seen) writeFileAtomic(join(saveDir, savedNames[i]!), await grayToPng(input.seen));
    } catch (e) {
      if (!(e instanceof TegakiError)) throw e;
      row.error = e.message;
      if (!values['json']) console.error(`tegaki: error: ${e.message}`);
    }
  }
  if (ready.length > 0) {
    const size = ready[0]!.input.values.length;
    const batch = new Tensor([ready.length, ...spec.shape]);
    ready.forEach(({ input }, i) => batch.f32.set(input.values, i * size));
    const probabilities = model.predict(batch);
    const k = classNames.length;
    ready.forEach(({ row }, i) => {
      const p = probabilities.f32.subarray(i * k, (i + 1) * k);
      row.predictions = [...p.keys()].sort((a, b) => p[b]! - p[a]!).slice(0, top).map((c) => ({ class: classNames[c]!, probability: p[c]! }));
    });
  }
  if (values['json']) console.log(JSON.stringify(rows, null, 1));
  else printTable(rows, top);
  return rows.some((r) => r.error) ? 1 : 0;
}

function printTable(rows: Row[], top: number): void {
  const ok = rows.filter((r) => r.predictions);
  if (ok.length === 0) return;
  const width = Math.max(4, ...ok.map((r) => r.file.length));
  const header = ['file'.padEnd(width), ...Array.from({ length: top }, (_, i) => (i === 0 ? 'prediction' : `#${i + 1}`).padEnd(16))].join('  ');
  console.log(header.trimEnd());
  console.log('-'.repeat(header.trimEnd().length));
  for (const r of ok) {
    console.log([r.file.padEnd(width), ...r.predictions!.map((p) => `${p.class} ${(p.probability * 100).toFixed(1).padStart(5)}%`.padEnd(16))].join('  ').trimEnd());
  }
}
