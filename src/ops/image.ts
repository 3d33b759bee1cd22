// tf.image: the resizing ops TF.js' UpSampling2D uses.

export { resizeBilinear, resizeNearestNeighbor } from './conv-variants.js';
