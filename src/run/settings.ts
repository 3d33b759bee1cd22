// The settings of a training run, checked once for every way in (the command line maps its options
// onto them, the server its JSON fields). Errors name the field; each caller says it its own way
// (`--batch-size` on the command line, `batchSize` in the API).

import { TegakiError } from '../errors.js';
import { MODEL_RECIPES, type ModelName, type Recipe, SCHEDULE_NAMES } from '../model/recipes.js';
import { OPTIMIZER_NAMES } from '../optimizers/index.js';

/** The settings of a run; those of the Recipe default to the model's recipe (MODEL_RECIPES). */
export interface TrainSettings extends Recipe {
  /** 'nn', 'cnn' or 'cnn-plus'. Default 'cnn'. */
  model: ModelName;
  /** Fraction held out for validation. Default 0 (a folder dataset holds out 0.2 to test on). */
  validationSplit: number;
  /** Default: random. */
  seed: number;
  /** Train on the first N images only. Default: all. */
  limit: number | undefined;
  /** 'mnist', 'fashion-mnist' or a folder. Default 'mnist'. */
  data: string;
  /** [height, width] folder images are resized to. Default [28, 28]. */
  imageSize: [number, number];
  /** Default 'grayscale'. */
  colorMode: 'grayscale' | 'rgb';
}

export const TRAIN_SETTING_NAMES: readonly (keyof TrainSettings)[] = ['model', 'epochs', 'batchSize', 'optimizer', 'learningRate', 'schedule', 'augment', 'validationSplit', 'seed', 'limit', 'data', 'imageSize', 'colorMode'];

/** A setting with a value it cannot take; `field` is the setting's name (camelCase). */
export class SettingsError extends TegakiError {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field} ${problem}`);
    this.name = 'SettingsError';
  }
}

const shown = (raw: unknown): string => `'${typeof raw === 'string' ? raw : JSON.stringify(raw)}'`;

/** A number given as a number or as text (the command line's form). */
function numeric(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return NaN;
}

export function intSetting(input: Record<string, unknown>, field: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = input[field];
  if (raw === undefined) return fallback;
  const n = numeric(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError(field, `expects an integer ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `≥ ${min}`}, received ${shown(raw)}.`);
  return n;
}

function floatSetting(input: Record<string, unknown>, field: string, fallback: number | undefined, check: (v: number) => boolean, expected: string): number | undefined {
  const raw = input[field];
  if (raw === undefined) return fallback;
  const n = numeric(raw);
  if (!Number.isFinite(n) || !check(n)) throw new SettingsError(field, `expects ${expected}, received ${shown(raw)}.`);
  return n;
}

export function choiceSetting<T extends string>(input: Record<string, unknown>, field: string, choices: readonly T[], fallback: T): T {
  const raw = input[field];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' ? raw.toLowerCase() : raw;
  if (!choices.includes(value as T)) throw new SettingsError(field, `expects one of ${choices.join(', ')}, received ${shown(raw)}.`);
  return value as T;
}

function booleanSetting(input: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const raw = input[field];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' ? raw.toLowerCase() : raw;
  if (value === true || value === 'on' || value === 'yes' || value === 'true') return true;
  if (value === false || value === 'off' || value === 'no' || value === 'false') return false;
  throw new SettingsError(field, `expects on or off, received ${shown(raw)}.`);
}

function imageSizeSetting(raw: unknown): [number, number] {
  if (raw === undefined) return [28, 28];
  const m = typeof raw === 'string' ? /^(\d+)(?:x(\d+))?$/.exec(raw) : null;
  const [h, w] = Array.isArray(raw) && raw.length === 2 ? raw.map(Number) : typeof raw === 'number' ? [raw, raw] : m ? [Number(m[1]), Number(m[2] ?? m[1])] : [0, 0];
  if (!(Number.isInteger(h) && Number.isInteger(w) && h! >= 8 && w! >= 8 && h! <= 512 && w! <= 512)) throw new SettingsError('imageSize', `expects N or HxW between 8 and 512, received ${shown(raw)}.`);
  return [h!, w!];
}

/** Checked settings from what a caller gathered; anything not given takes its default. */
export function trainSettings(input: Record<string, unknown>): TrainSettings {
  for (const key of Object.keys(input)) {
    if (!(TRAIN_SETTING_NAMES as readonly string[]).includes(key)) throw new SettingsError(key, `is not a training setting (expected one of ${TRAIN_SETTING_NAMES.join(', ')}).`);
  }
  const data = input['data'];
  if (data !== undefined && (typeof data !== 'string' || data === '')) throw new SettingsError('data', `expects mnist, fashion-mnist or a folder, received ${shown(data)}.`);
  const model = choiceSetting(input, 'model', Object.keys(MODEL_RECIPES) as ModelName[], 'cnn');
  const recipe = MODEL_RECIPES[model];
  return {
    model,
    epochs: intSetting(input, 'epochs', recipe.epochs),
    batchSize: intSetting(input, 'batchSize', recipe.batchSize),
    optimizer: choiceSetting(input, 'optimizer', OPTIMIZER_NAMES, recipe.optimizer),
    learningRate: floatSetting(input, 'learningRate', recipe.learningRate, (v) => v > 0, 'a positive number'),
    schedule: choiceSetting(input, 'schedule', SCHEDULE_NAMES, recipe.schedule),
    augment: booleanSetting(input, 'augment', recipe.augment),
    validationSplit: floatSetting(input, 'validationSplit', 0, (v) => v >= 0 && v < 1, 'a fraction in [0, 1)')!,
    seed: intSetting(input, 'seed', (Math.random() * 2 ** 31) >>> 0, 0, 2 ** 32 - 1),
    limit: input['limit'] === undefined ? undefined : intSetting(input, 'limit', 0),
    data: (data as string | undefined) ?? 'mnist',
    imageSize: imageSizeSetting(input['imageSize']),
    colorMode: choiceSetting(input, 'colorMode', ['grayscale', 'rgb'] as const, 'grayscale'),
  };
}
