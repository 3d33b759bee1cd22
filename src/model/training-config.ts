// TF.js' trainingConfig (Keras' training_config): what a model was compiled with — the optimizer's
// class and config, the loss and metric names — saved with includeOptimizer, so that loading the
// model compiles it again, in tegaki or in TF.js. Read from a file, every field is checked.

import { TegakiError } from '../errors.js';
import { getLoss, type Loss } from '../losses.js';
import { getMetric, type Metric } from '../metrics.js';
import { optimizerFromConfig, type Optimizer } from '../optimizers/index.js';
import { isObject } from '../json.js';

/** trainingConfig as TF.js writes it (a type, so that it is a Record as the artifacts hold it). */
export type TrainingConfig = {
  loss: string | string[];
  metrics: string[];
  optimizer_config: { class_name: string; config: Record<string, unknown> };
};

/** What a compiled model holds that its training config records. */
export interface CompiledState {
  optimizer: Optimizer | null;
  losses: readonly Loss[];
  metrics: readonly Metric[];
}

/** compile()'s arguments, from a training config. */
export interface CompileConfig {
  optimizer: Optimizer;
  loss: string | string[];
  metrics: string[];
}

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v);

// tfjs-layers' toSnakeCase and toCamelCase, so that names turn out as TF.js turns them
const toSnakeCase = (name: string): string => name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
const toCamelCase = (name: string): string => (name.includes('_') ? name.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase()) : name);

/** The training config of a compiled model (TF.js' getTrainingConfig). */
export function trainingConfigOf({ optimizer, losses, metrics }: CompiledState): TrainingConfig {
  // TF.js differs: it saves an uncompiled model without optimizer state, silently
  if (!optimizer || losses.length === 0) throw new TegakiError('save: includeOptimizer needs a compiled model: call compile({ optimizer, loss }) first.');
  const custom = losses.find((l) => l.custom);
  if (custom) throw new TegakiError(`save: includeOptimizer saves the loss by name, and ${custom.name} is a function (TF.js cannot save one either).`);
  if (metrics.some((m) => m.weighted)) throw new TegakiError('save: includeOptimizer cannot record weightedMetrics (TF.js loads no weighted_metrics).');
  if (metrics.some((m) => m.kind === 'confusion' && m.thresholds.length !== (m.curve === 'auc' ? 200 : 1))) throw new TegakiError('save: includeOptimizer saves metrics by name, which cannot hold AUC\'s numThresholds.');
  const configured = losses.find((l) => l.configured);
  if (configured) throw new TegakiError(`save: includeOptimizer saves the loss by name, which cannot hold ${configured.name}'s options (fromLogits, labelSmoothing, delta, axis).`);
  const names = losses.map((l) => toSnakeCase(l.name));
  return {
    loss: names.length === 1 ? names[0]! : names,
    // TF.js differs: it writes each metric as compile received it ('accuracy', or {} for none);
    // the logs' key ('acc') names the same metric to both
    metrics: metrics.map((m) => toSnakeCase(m.key)),
    optimizer_config: { class_name: optimizer.getClassName(), config: optimizer.getConfig() },
  };
}

const FIELDS = ['loss', 'metrics', 'optimizer_config'];
// Keras writes these; TF.js refuses them unless null, and so does tegaki
const UNSUPPORTED = ['weighted_metrics', 'loss_weights', 'sample_weight_mode'];

/**
 * compile()'s arguments from a training config (TF.js' loadTrainingConfig), every field checked
 * before the optimizer is created. `where` names the file in errors.
 */
export function compileConfigFrom(trainingConfig: unknown, where: string): CompileConfig {
  const at = `${where}: trainingConfig`;
  if (!isObject(trainingConfig)) throw new TegakiError(`${at} must be an object { loss, metrics, optimizer_config }, received ${shown(trainingConfig)}.`);
  for (const [key, value] of Object.entries(trainingConfig)) {
    if (UNSUPPORTED.includes(key)) {
      if (value !== null && value !== undefined) throw new TegakiError(`${at}.${key} is not supported (TF.js does not load it either).`);
    } else if (!FIELDS.includes(key)) {
      throw new TegakiError(`${at}: unknown field '${key}' (TF.js writes ${FIELDS.join(', ')}).`);
    }
  }
  return {
    loss: lossFrom(trainingConfig['loss'], `${at}.loss`),
    metrics: metricsFrom(trainingConfig['metrics'], `${at}.metrics`),
    optimizer: optimizerFrom(trainingConfig['optimizer_config'], `${at}.optimizer_config`),
  };
}

/** Run check, giving a TegakiError it throws the field's place. */
function within<T>(at: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw e instanceof TegakiError ? new TegakiError(`${at}: ${e.message}`) : e;
  }
}

/** A name, or a list of names, in the config's snake_case, each known to `known`; camelCase out. */
function namesFrom(value: unknown, at: string, known: (name: string) => unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) throw new TegakiError(`${at} must be a name or a list of names, received ${shown(value)} (by output name is not supported).`);
  return list.map((name: string) => {
    const camel = toCamelCase(name);
    within(at, () => known(camel));
    return camel;
  });
}

function lossFrom(value: unknown, at: string): string | string[] {
  if (value === undefined || value === null) throw new TegakiError(`${at} is missing; TF.js saves the loss's name.`);
  const names = namesFrom(value, at, getLoss);
  return typeof value === 'string' ? names[0]! : names;
}

function metricsFrom(value: unknown, at: string): string[] {
  // TF.js writes {} for a model compiled without metrics
  if (value === undefined || value === null || (isObject(value) && Object.keys(value).length === 0)) return [];
  return namesFrom(value, at, getMetric);
}

function optimizerFrom(value: unknown, at: string): Optimizer {
  if (!isObject(value) || typeof value['class_name'] !== 'string' || !isObject(value['config'] ?? {})) throw new TegakiError(`${at} must be { class_name, config }, received ${shown(value)}.`);
  const unknown = Object.keys(value).find((k) => k !== 'class_name' && k !== 'config');
  if (unknown !== undefined) throw new TegakiError(`${at}: unknown field '${unknown}' (TF.js writes class_name, config).`);
  // TF.js turns snake_case keys (Keras' learning_rate) into camelCase first
  const config = Object.fromEntries(Object.entries((value['config'] ?? {}) as Record<string, unknown>).map(([k, v]) => [toCamelCase(k), v]));
  return within(at, () => optimizerFromConfig(value['class_name'] as string, config));
}
