// Folder datasets with the semantics of Keras' image_dataset_from_directory: one subfolder per
// class, classes are the sorted folder names, images resized to imageSize, an optional seeded
// validation split. Images are decoded once and kept as bytes.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TegakiError } from '../errors.js';
import { describeFsError, pathKind } from '../io/files.js';
import { Random } from '../random.js';
import { decodeResized, isImageFile } from './images.js';
import type { ImageSplit } from './mnist.js';
import { ByteImages, ClassLabels } from './source.js';

export interface FolderDatasetOptions {
  /** [height, width] every image is resized to. Default [28, 28]. */
  imageSize?: [number, number];
  /** Default 'grayscale'. Keras differs: it defaults to rgb and 256×256. */
  colorMode?: 'grayscale' | 'rgb';
  /** Fraction held out for validation. Default 0.2. */
  validationSplit?: number;
  /** Seed of the split's shuffle. Default 1337. */
  seed?: number;
  /** Labels as one-hot rows. Default true. */
  oneHot?: boolean;
  /** Called after each decoded image (progress). */
  onProgress?: (done: number, total: number) => void;
}

export interface FolderDataset {
  train: ImageSplit;
  validation: ImageSplit | null;
  classNames: string[];
  /** Files that could not be decoded, with why; they are left out. */
  skipped: { file: string; reason: string }[];
}

/** Class folders and their image files, checked for the mistakes people make. */
export function listClassFolders(dir: string): { classNames: string[]; files: { path: string; label: number }[] } {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new TegakiError(`${dir}: cannot read the dataset folder (${describeFsError(e)}).`);
  }
  // links that lead nowhere, or in a loop, are not class folders
  const classNames = entries.filter((e) => !e.startsWith('.') && pathKind(join(dir, e)) === 'folder').sort();
  if (classNames.length === 0) throw new TegakiError(`${dir}: no class folders. Put each class's images in a subfolder named after the class (${dir}/cats/…, ${dir}/dogs/…).`);
  if (classNames.length === 1) throw new TegakiError(`${dir}: only one class folder (${classNames[0]}); a classifier needs at least two.`);
  const files: { path: string; label: number }[] = [];
  classNames.forEach((name, label) => {
    let images: string[];
    try {
      images = readdirSync(join(dir, name)).filter(isImageFile).sort();
    } catch (e) {
      throw new TegakiError(`${join(dir, name)}: cannot read the class folder (${describeFsError(e)}).`);
    }
    if (images.length === 0) throw new TegakiError(`${join(dir, name)}: class folder has no images (PNG, JPEG, WebP, GIF or TIFF).`);
    for (const f of images) files.push({ path: join(dir, name, f), label });
  });
  return { classNames, files };
}

export async function imageDatasetFromDirectory(dir: string, options: FolderDatasetOptions = {}): Promise<FolderDataset> {
  const [height, width] = options.imageSize ?? [28, 28];
  const channels = options.colorMode === 'rgb' ? 3 : 1;
  const split = options.validationSplit ?? 0.2;
  if (!(split >= 0 && split < 1)) throw new TegakiError(`Expected validationSplit in [0, 1). Received validationSplit=${split}.`);
  const { classNames, files } = listClassFolders(dir);
  // Keras shuffles the file list with the seed, then takes the validation subset from the end
  new Random(options.seed ?? 1337).shuffle(files);
  const size = height * width * channels;
  const pixels = new Uint8Array(files.length * size);
  const labels: number[] = [];
  const skipped: FolderDataset['skipped'] = [];
  let n = 0;
  for (const [i, f] of files.entries()) {
    try {
      pixels.set(await decodeResized(f.path, width, height, channels as 1 | 3), n * size);
      labels.push(f.label);
      n++;
    } catch (e) {
      if (!(e instanceof TegakiError)) throw e;
      skipped.push({ file: f.path, reason: e.message });
    }
    options.onProgress?.(i + 1, files.length);
  }
  const counts = classNames.map((_, c) => labels.filter((l) => l === c).length);
  const empty = counts.findIndex((c) => c === 0);
  if (empty >= 0) throw new TegakiError(`${join(dir, classNames[empty]!)}: none of its images could be read.`);
  const oneHot = options.oneHot ?? true;
  const at = split > 0 ? Math.max(1, Math.min(n - 1, Math.round(n * (1 - split)))) : n;
  const part = (start: number, end: number): ImageSplit => ({
    images: new ByteImages(pixels.subarray(start * size, end * size), [height, width, channels]),
    labels: new ClassLabels(Int32Array.from(labels.slice(start, end)), classNames.length, oneHot),
  });
  return { train: part(0, at), validation: at < n ? part(at, n) : null, classNames, skipped };
}
