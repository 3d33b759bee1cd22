// Datasets: datasets.mnist.load() and IDX folders.

import { loadIdxDataset, loadMnist } from './mnist.js';

export const mnist = { load: loadMnist };
export const idx = { load: loadIdxDataset };
export type { ImageDataset, ImageSplit, IdxDatasetOptions } from './mnist.js';
export { ByteImages, ClassLabels, SubsetSource, TensorSource, take, withSampleShape, type SampleSource } from './source.js';
export { parseIdx, readIdx } from './idx.js';
