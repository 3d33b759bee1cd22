// Layers ↔ the Keras/TF.js model topology JSON (model.json). Every layer saves its getConfig()
// converted as TF.js converts it (snake_case keys and string values); built-in classes load from
// this table, custom ones once registered (registerClass), as in TF.js.

import { TegakiError } from '../errors.js';
import { Activation, Dropout, Flatten } from './core.js';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from './activation-layers.js';
import { GaussianDropout, GaussianNoise, SpatialDropout2D } from './noise.js';
import { Permute, RepeatVector, Reshape } from './reshape.js';
import { Conv2D } from './conv.js';
import { Dense } from './dense.js';
import { InputLayer } from './input.js';
import { Layer } from './layer.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply } from './merge.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from './pooling.js';
import { DepthwiseConv2D, SeparableConv2D } from './conv-depthwise.js';
import { Conv2DTranspose } from './conv-transpose.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D } from './spatial.js';
import { BatchNormalization, LayerNormalization } from './normalization.js';
import { PREPROCESSING_CLASSES } from './preprocessing/index.js';

/** A layer class as registerClass takes it: a className and a constructor (or fromConfig) taking the config. */
export interface SerializableLayerClass {
  className?: string;
  fromConfig?: (cls: SerializableLayerClass, config: Record<string, unknown>) => Layer;
  new (config: Record<string, unknown>): Layer;
}

/** The built-in layer classes by the class name model.json gives them. */
const BUILT_IN_CLASSES: ReadonlyMap<string, SerializableLayerClass> = new Map(
  ([Dense, Conv2D, MaxPooling2D, Dropout, Flatten, Activation, InputLayer, Add, Average, Concatenate, Maximum, Minimum, Multiply, BatchNormalization, LayerNormalization,
    AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, ZeroPadding2D, Cropping2D, UpSampling2D,
    ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, Reshape, Permute, RepeatVector, GaussianNoise, GaussianDropout, SpatialDropout2D,
    ...PREPROCESSING_CLASSES] as unknown as SerializableLayerClass[]).map((cls) => [cls.className!, cls]),
);
const MODEL_CLASSES = ['Sequential', 'Model', 'Functional'];

const registered = new Map<string, SerializableLayerClass>();

/** TF.js' serialization.registerClass: models saved with this custom layer class load again. */
export function registerClass(cls: SerializableLayerClass): SerializableLayerClass {
  if (typeof cls !== 'function' || !(cls.prototype instanceof Layer)) throw new TegakiError('registerClass expects a class that extends tf.layers.Layer.');
  const name = cls.className;
  if (typeof name !== 'string' || name === '') throw new TegakiError(`registerClass: class ${cls.name} needs a static className (e.g. static className = '${cls.name}').`);
  if (BUILT_IN_CLASSES.has(name) || MODEL_CLASSES.includes(name)) throw new TegakiError(`registerClass: '${name}' is a built-in layer class; give the custom class another className.`);
  registered.set(name, cls);
  return cls;
}

// TF.js' toSnakeCase and toCamelCase (tfjs-layers generic_utils), applied to keys and string values.
const toSnake = (s: string): string => s.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
const toCamel = (s: string): string => (s.length <= 1 || !s.includes('_') ? s : s.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase()));

/**
 * TF.js' convertTsToPythonic / convertPythonicToTs: keys and string values change case, except the
 * values of 'name' and 'className' (layer and class names are kept as written).
 */
function convertConfig(value: unknown, convert: (s: string) => string): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return convert(value);
  if (Array.isArray(value)) return value.map((v) => convertConfig(v, convert));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const keepValue = (k === 'name' || k === 'className' || k === 'class_name') && typeof v === 'string';
      return [convert(k), keepValue ? v : convertConfig(v, convert)];
    }),
  );
}

export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

export function layerToJson(layer: Layer): LayerJson {
  return { class_name: layer.className, config: { ...(convertConfig(layer.getConfig(), toSnake) as Record<string, unknown>), dtype: 'float32' } };
}

/** Reads one layer's config; `where` names the file and layer in errors. */
export function layerFromJson(json: LayerJson, where: string): Layer {
  function fail(problem: string): never {
    throw new TegakiError(`${where}: ${problem}.`);
  }
  if (typeof json !== 'object' || json === null || typeof json.class_name !== 'string') fail('not a layer (an object with class_name and config)');
  if (json.config !== undefined && (typeof json.config !== 'object' || json.config === null || Array.isArray(json.config))) fail('config must be an object');
  const cls = BUILT_IN_CLASSES.get(json.class_name) ?? registered.get(json.class_name);
  if (!cls) return fail(`unknown layer class '${json.class_name}' (built in: ${[...BUILT_IN_CLASSES.keys()].join(', ')}; register custom layers with tf.serialization.registerClass)`);
  const config = convertConfig(json.config ?? {}, toCamel) as Record<string, unknown>;
  // tegaki computes in float32 only; model.json records the dtype of every layer
  if (config['dtype'] === 'float32') delete config['dtype'];
  // Keras 3 names an InputLayer's shape batch_shape
  if (json.class_name === 'InputLayer' && config['batchInputShape'] === undefined && config['batchShape'] !== undefined) {
    config['batchInputShape'] = config['batchShape'];
    delete config['batchShape'];
  }
  const layer = cls.fromConfig ? cls.fromConfig(cls, config) : new cls(config);
  if (!(layer instanceof Layer)) fail(`${json.class_name}.fromConfig did not return a layer`);
  return layer;
}
