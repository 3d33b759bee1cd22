// tf.callbacks: TF.js' namespace of callback factories.

export { earlyStopping, terminateOnNaN } from './callbacks.js';
