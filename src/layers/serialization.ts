// Layers ↔ the Keras/TF.js model topology JSON (snake_case configs, as in model.json). Layers of
// other classes save their getConfig(); custom ones load once registered (registerClass), as in TF.js.

import { TegakiError } from '../errors.js';
import type { InitializerName } from '../initializers.js';
import { Activation, Dropout, Flatten } from './core.js';
import { Conv2D } from './conv.js';
import { Dense } from './dense.js';
import { InputLayer } from './input.js';
import { Layer } from './layer.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply } from './merge.js';
import { MaxPooling2D } from './pooling.js';

/** A layer class as registerClass takes it: a className and a constructor (or fromConfig) taking the config. */
export interface SerializableLayerClass {
  className?: string;
  fromConfig?: (cls: SerializableLayerClass, config: Record<string, unknown>) => Layer;
  new (config: Record<string, unknown>): Layer;
}

const registered = new Map<string, SerializableLayerClass>();

const BUILT_IN = ['Dense', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Activation', 'InputLayer', 'Add', 'Average', 'Concatenate', 'Maximum', 'Minimum', 'Multiply', 'Sequential', 'Model', 'Functional'];

/** TF.js' serialization.registerClass: models saved with this custom layer class load again. */
export function registerClass(cls: SerializableLayerClass): SerializableLayerClass {
  if (typeof cls !== 'function' || !(cls.prototype instanceof Layer)) throw new TegakiError('registerClass expects a class that extends tf.layers.Layer.');
  const name = cls.className;
  if (typeof name !== 'string' || name === '') throw new TegakiError(`registerClass: class ${cls.name} needs a static className (e.g. static className = '${cls.name}').`);
  if (BUILT_IN.includes(name)) throw new TegakiError(`registerClass: '${name}' is a built-in layer class; give the custom class another className.`);
  registered.set(name, cls);
  return cls;
}

/** Config fields that change a layer's computation, which tegaki's layers do not implement (null is fine). */
const UNSUPPORTED_FIELDS = ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'noise_shape', 'seed'];

const MERGE_CLASSES: Record<string, new (args: Record<string, unknown>) => Layer> = { Add, Average, Maximum, Minimum, Multiply };

/** camelCase keys ↔ snake_case keys, through nested objects (TF.js' convertTsToPythonic and back). */
function convertKeys(value: unknown, key: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => convertKeys(v, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [key(k), convertKeys(v, key)]));
}
const toSnake = (k: string): string => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const toCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

const INITIALIZER_CLASSES: Record<InitializerName, string> = {
  glorotUniform: 'GlorotUniform',
  glorotNormal: 'GlorotNormal',
  heUniform: 'HeUniform',
  heNormal: 'HeNormal',
  leCunNormal: 'LeCunNormal',
  varianceScaling: 'VarianceScaling',
  zeros: 'Zeros',
  ones: 'Ones',
};

function initializerJson(name: InitializerName): LayerJson {
  if (name === 'varianceScaling') return { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: 'normal', seed: null } };
  return { class_name: INITIALIZER_CLASSES[name], config: name === 'zeros' || name === 'ones' ? {} : { seed: null } };
}

// Initializers only matter before training, so one we do not know falls back to the default.
function initializerFromJson(json: unknown, fallback: InitializerName): InitializerName {
  const j = json as LayerJson | null;
  if (!j || typeof j.class_name !== 'string') return fallback;
  const byClass = Object.entries(INITIALIZER_CLASSES).find(([, cls]) => cls === j.class_name && cls !== 'VarianceScaling');
  if (byClass) return byClass[0] as InitializerName;
  if (j.class_name === 'VarianceScaling') {
    // TF.js writes Glorot and He initializers in this general form
    const { scale, mode, distribution } = j.config as { scale?: number; mode?: string; distribution?: string };
    const normal = distribution !== 'uniform';
    if (scale === 1 && mode === 'fan_avg') return normal ? 'glorotNormal' : 'glorotUniform';
    if (scale === 2 && mode === 'fan_in') return normal ? 'heNormal' : 'heUniform';
    if (scale === 1 && mode === 'fan_in' && normal) return 'varianceScaling';
  }
  return fallback;
}

function common(layer: Layer): Record<string, unknown> {
  const config: Record<string, unknown> = { name: layer.name, trainable: layer.trainable };
  if (layer.declaredInputShape) config['batch_input_shape'] = [null, ...layer.declaredInputShape];
  config['dtype'] = 'float32';
  return config;
}

export function layerToJson(layer: Layer): LayerJson {
  const config = common(layer);
  if (layer instanceof Dense) {
    Object.assign(config, {
      units: layer.units, activation: layer.activation, use_bias: layer.useBias,
      kernel_initializer: initializerJson(layer.kernelInitializer), bias_initializer: initializerJson(layer.biasInitializer),
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    });
  } else if (layer instanceof Conv2D) {
    Object.assign(config, {
      filters: layer.filters, kernel_size: layer.kernelSize, strides: layer.strides, padding: layer.padding,
      data_format: 'channels_last', dilation_rate: layer.dilationRate, activation: layer.activation, use_bias: layer.useBias,
      kernel_initializer: initializerJson(layer.kernelInitializer), bias_initializer: initializerJson(layer.biasInitializer),
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    });
  } else if (layer instanceof MaxPooling2D) {
    Object.assign(config, { pool_size: layer.poolSize, strides: layer.strides, padding: layer.padding, data_format: 'channels_last' });
  } else if (layer instanceof Dropout) {
    Object.assign(config, { rate: layer.rate, noise_shape: null, seed: null });
  } else if (layer instanceof Activation) {
    config['activation'] = layer.activation;
  } else if (layer instanceof InputLayer) {
    return { class_name: 'InputLayer', config: { batch_input_shape: layer.batchInputShape, dtype: 'float32', sparse: false, name: layer.name } };
  } else if (!(layer instanceof Flatten)) {
    // merge layers and custom ones: their own config, in model.json's spelling
    return { class_name: layer.className, config: { ...(convertKeys(layer.getConfig(), toSnake) as Record<string, unknown>), dtype: 'float32' } };
  }
  return { class_name: layer.className, config };
}

/** Reads one layer's config; `where` names the file and layer in errors. */
export function layerFromJson(json: LayerJson, where: string): Layer {
  function fail(problem: string): never {
    throw new TegakiError(`${where}: ${problem}.`);
  }
  if (typeof json !== 'object' || json === null || typeof json.class_name !== 'string') fail('not a layer (an object with class_name and config)');
  if (json.config !== undefined && (typeof json.config !== 'object' || json.config === null || Array.isArray(json.config))) fail('config must be an object');
  const c = json.config ?? {};
  const batchInputShape = c['batch_input_shape'] as (number | null)[] | undefined;
  const base = {
    name: typeof c['name'] === 'string' ? c['name'] : undefined,
    trainable: c['trainable'] !== false,
    inputShape: Array.isArray(batchInputShape) ? (batchInputShape.slice(1) as number[]) : undefined,
  };
  if (c['data_format'] !== undefined && c['data_format'] !== 'channels_last') fail(`data_format '${String(c['data_format'])}' is not supported (only channels_last)`);
  if (c['dtype'] !== undefined && c['dtype'] !== 'float32') fail(`dtype '${String(c['dtype'])}' is not supported (only float32)`);
  // what tegaki's layers would otherwise leave out of their computation
  const unsupported = UNSUPPORTED_FIELDS.find((f) => c[f] !== undefined && c[f] !== null);
  if (unsupported) fail(`${unsupported} is not supported yet`);
  if (Array.isArray(batchInputShape) && batchInputShape[0] !== null && batchInputShape[0] !== undefined) fail(`a fixed batch size (batch_input_shape[0] = ${String(batchInputShape[0])}) is not supported; use null`);
  const activation = c['activation'] as never;
  const useBias = c['use_bias'] !== false;
  switch (json.class_name) {
    case 'Dense':
      return new Dense({
        ...base, units: c['units'] as number, activation, useBias,
        kernelInitializer: initializerFromJson(c['kernel_initializer'], 'glorotUniform'),
        biasInitializer: initializerFromJson(c['bias_initializer'], 'zeros'),
      });
    case 'Conv2D':
      return new Conv2D({
        ...base, filters: c['filters'] as number, kernelSize: c['kernel_size'] as [number, number],
        strides: (c['strides'] ?? 1) as [number, number], dilationRate: (c['dilation_rate'] ?? 1) as [number, number],
        padding: c['padding'] as never, activation, useBias,
        kernelInitializer: initializerFromJson(c['kernel_initializer'], 'glorotUniform'),
        biasInitializer: initializerFromJson(c['bias_initializer'], 'zeros'),
      });
    case 'MaxPooling2D':
      return new MaxPooling2D({ ...base, poolSize: c['pool_size'] as [number, number], strides: (c['strides'] ?? undefined) as [number, number], padding: c['padding'] as never });
    case 'Dropout':
      return new Dropout({ ...base, rate: c['rate'] as number });
    case 'Flatten':
      return new Flatten(base);
    case 'Activation':
      return new Activation({ ...base, activation });
    case 'InputLayer': {
      const shape = c['batch_input_shape'] ?? c['batch_shape'];
      if (!Array.isArray(shape) || shape.length < 2) fail('InputLayer needs batch_input_shape [null, ...]');
      return new InputLayer({ name: base.name, batchInputShape: shape as (number | null)[], sparse: c['sparse'] === true });
    }
    case 'Concatenate':
      return new Concatenate({ name: base.name, trainable: base.trainable, axis: c['axis'] as number });
    default: {
      const merge = MERGE_CLASSES[json.class_name];
      if (merge) return new merge({ name: base.name, trainable: base.trainable });
      const custom = registered.get(json.class_name);
      if (!custom) return fail(`unknown layer class '${json.class_name}' (built in: Dense, Conv2D, MaxPooling2D, Dropout, Flatten, Activation, InputLayer, Add, Average, Concatenate, Maximum, Minimum, Multiply; register custom layers with tf.serialization.registerClass)`);
      const config = convertKeys(c, toCamel) as Record<string, unknown>;
      const layer = custom.fromConfig ? custom.fromConfig(custom, config) : new custom(config);
      if (!(layer instanceof Layer)) fail(`${json.class_name}.fromConfig did not return a layer`);
      return layer;
    }
  }
}
