// tf.serialization: register custom layer classes so that models using them load again.

export { registerClass, type SerializableLayerClass } from './serialization.js';
