// tf.data: datasets of tensors built lazily, as in TensorFlow.js.

export { Dataset } from './dataset.js';
export { array, generator, zip, type DatasetContainer } from './sources.js';
export type { DatasetIterator } from './iterator.js';
export type { TensorContainer, TensorContainerArray, TensorContainerObject } from './element.js';
