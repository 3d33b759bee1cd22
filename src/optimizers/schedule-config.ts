// A learning-rate schedule in an optimizer's config: written as Keras serializes it (className and
// config, camelCase as TF.js writes configs), read back from that or from Keras' own snake_case.

import { TegakiError } from '../errors.js';
import { isObject } from '../json.js';
import { show } from './checks.js';
import { cosineDecay, cosineDecayRestarts, exponentialDecay, inverseTimeDecay, piecewiseConstantDecay, polynomialDecay, type LearningRateSchedule } from './schedules.js';

/** A schedule as an optimizer config holds it: Keras' serialized form, keys in camelCase. */
export interface ScheduleJson {
  className: string;
  config: Record<string, unknown>;
}

// Keras' class_name → the class; a Map, so that names like 'constructor' find nothing
const BY_CLASS_NAME = new Map<string, (config: never) => LearningRateSchedule>([
  ['ExponentialDecay', exponentialDecay],
  ['InverseTimeDecay', inverseTimeDecay],
  ['PolynomialDecay', polynomialDecay],
  ['PiecewiseConstantDecay', piecewiseConstantDecay],
  ['CosineDecay', cosineDecay],
  ['CosineDecayRestarts', cosineDecayRestarts],
]);

/** The serialized form an optimizer's getConfig gives for its schedule. */
export function serializeSchedule(schedule: LearningRateSchedule): ScheduleJson {
  return { className: schedule.className, config: schedule.getConfig() };
}

const camelCase = (key: string): string => key.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase());

/** Whether a learningRate value is a serialized schedule ({className, config} or Keras' {class_name, config}). */
export function isScheduleJson(value: unknown): value is Record<string, unknown> {
  return isObject(value) && ('className' in value || 'class_name' in value);
}

/**
 * A schedule from its serialized form: tegaki's { className, config } or Keras' { module,
 * class_name, config, registered_name } with snake_case keys.
 */
export function scheduleFromConfig(json: Record<string, unknown>, where: string): LearningRateSchedule {
  const className = json['className'] ?? json['class_name'];
  const create = typeof className === 'string' ? BY_CLASS_NAME.get(className) : undefined;
  if (!create) throw new TegakiError(`${where}: learningRate names the schedule ${show(className)}; known: ${[...BY_CLASS_NAME.keys()].join(', ')}.`);
  const unknown = Object.keys(json).find((k) => !['className', 'class_name', 'config', 'module', 'registered_name'].includes(k));
  if (unknown !== undefined) throw new TegakiError(`${where}: unknown field '${unknown}' in the learningRate schedule (expected className, config).`);
  const config = json['config'] ?? {};
  if (!isObject(config)) throw new TegakiError(`${where}: the learningRate schedule's config must be an object, received ${show(config)}.`);
  return create(Object.fromEntries(Object.entries(config).map(([k, v]) => [camelCase(k), v])) as never);
}
