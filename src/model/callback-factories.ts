// tf.callbacks: TF.js' namespace of callback factories, with Keras' callbacks TF.js lacks.

export { earlyStopping, lambdaCallback, terminateOnNaN } from './callbacks.js';
export { learningRateScheduler, reduceLROnPlateau } from './lr-callbacks.js';
