// The dataset a run's settings name, and the samples a tutorial model takes from it.

import { loadDataset, type NamedDataset } from '../data/datasets.js';
import type { ImageSplit } from '../data/mnist.js';
import { withSampleShape, type SampleSource } from '../data/source.js';
import type { ModelMetadata } from '../model/metadata.js';
import type { ModelName } from '../model/recipes.js';
import { sizeOf } from '../tensor.js';
import type { TrainSettings } from './settings.js';

/** What loading a dataset needs from the settings. */
export type DataSettings = Pick<TrainSettings, 'data' | 'imageSize' | 'colorMode' | 'validationSplit' | 'seed'>;

/** The dataset the settings name; a folder dataset's split is validationSplit (0.2 if 0). Warnings go to warn. */
export async function datasetFor(settings: DataSettings, warn: (message: string) => void): Promise<NamedDataset> {
  const data = await loadDataset(settings.data, { imageSize: settings.imageSize, colorMode: settings.colorMode, validationSplit: settings.validationSplit || 0.2, seed: settings.seed });
  for (const w of data.warnings) warn(w);
  return data;
}

/** The images as the model takes them: flat vectors for the dense network. */
export function inputsFor(kind: ModelName, split: ImageSplit): SampleSource {
  return kind === 'nn' ? withSampleShape(split.images, [sizeOf(split.images.sampleShape)]) : split.images;
}

/** The data settings a saved model was trained with, each field only when it has the right type. */
export function dataSettingsOf(metadata: ModelMetadata, inputShape: readonly number[]): DataSettings {
  const t = (typeof metadata['training'] === 'object' && metadata['training'] !== null ? metadata['training'] : {}) as Record<string, unknown>;
  const size = t['imageSize'];
  return {
    data: typeof t['data'] === 'string' && t['data'] !== '' ? t['data'] : 'mnist',
    validationSplit: typeof t['validationSplit'] === 'number' && t['validationSplit'] >= 0 && t['validationSplit'] < 1 ? t['validationSplit'] : 0,
    seed: Number.isSafeInteger(t['seed']) ? (t['seed'] as number) : 1337,
    imageSize: Array.isArray(size) && size.length === 2 && size.every((d) => Number.isInteger(d) && d >= 8 && d <= 512) ? (size as [number, number]) : [inputShape[0] ?? 28, inputShape.length === 3 ? inputShape[1]! : 28],
    colorMode: t['colorMode'] === 'rgb' ? 'rgb' : 'grayscale',
  };
}
