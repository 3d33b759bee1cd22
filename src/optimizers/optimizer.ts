// The optimizer contract shared by every optimizer: per-weight slots (moving averages,
// accumulators), TF.js' minimize/computeGradients/applyGradients, its getWeights/setWeights (the
// state model.save({ includeOptimizer }) writes), state for checkpoints, and Keras' options every
// optimizer takes: a learning-rate schedule, gradient clipping and decoupled weight decay.

import { TegakiError } from '../errors.js';
import type { Weight } from '../layers/layer.js';
import { variableGrads } from '../ops/gradients.js';
import { variableNamed, type Variable } from '../ops/variable.js';
import { formatShape, sizeOf, Tensor } from '../tensor.js';
import { checkNumber, NON_NEGATIVE } from './checks.js';
import { getBackend } from '../backend/select.js';
import { clipGradients, clippingOptions, type Clipping } from './clipping.js';
import { isScheduleJson, scheduleFromConfig, serializeSchedule, type ScheduleJson } from './schedule-config.js';
import { LearningRateSchedule } from './schedules.js';

export { ANY, checkBoolean, checkNumber, CLOSED_FRACTION, FRACTION, movingAverage, NON_NEGATIVE, POSITIVE, required, type Range } from './checks.js';

/** A learning rate: a number, a schedule evaluated at each step, or a schedule as a saved config holds it. */
export type LearningRate = number | LearningRateSchedule | ScheduleJson;

/** Keras' options every optimizer takes (its base optimizer's keyword arguments). */
export interface OptimizerOptions {
  /** Clip each weight's gradient to this L2 norm. Default null (no clipping). */
  clipnorm?: number | null;
  /** Clip each gradient element to [−clipvalue, clipvalue]. Default null. */
  clipvalue?: number | null;
  /** Scale all gradients of a step together so that their global L2 norm is at most this. Default null. */
  globalClipnorm?: number | null;
  /** Before each update, w ← w − w·weightDecay·learningRate (decoupled weight decay). Default null (none). */
  weightDecay?: number | null;
}

/** The names of OptimizerOptions, which every optimizer accepts beside its own. */
export const OPTIMIZER_OPTIONS = ['clipnorm', 'clipvalue', 'globalClipnorm', 'weightDecay'] as const;

/** TF.js' backend epsilon() on its float32 backends: what an optimizer uses when epsilon is null. */
export const BACKEND_EPSILON = 1e-7;

/** A tensor and its name, as TF.js' getWeights and setWeights pass them. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** One slot kept per weight: TF.js' name for it (saved as `${weight}/${name}`) and its starting value. */
export interface SlotKind {
  name: string;
  initial: number;
}

/** A slot TF.js saves, and which of ours holds it: null for one TF.js keeps that we need not. */
export interface SavedSlot {
  name: string;
  slot: number | null;
}

/** One weight's slots, and the name getWeights gives them (the weight's). */
interface SlotEntry {
  name: string;
  shape: number[];
  arrays: Float32Array[];
}

/** The slots of one weight in a list passed to setWeights, checked but not copied yet. */
interface SlotGroup {
  shape: number[];
  tensors: NamedTensor[];
}

export abstract class Optimizer {
  /** Number of updates applied so far. */
  iterations = 0;
  private rate: number | LearningRateSchedule;
  private readonly clipping: Clipping;
  readonly weightDecay: number | null;
  /** The learning rate of the update being applied (a schedule's value at its step). */
  protected stepLearningRate = 0;
  // keyed by the weight's values tensor, which stays the same from step to step
  private readonly slots = new Map<Tensor, SlotEntry>();
  // Slots from setWeights that no weight has taken yet: TF.js ties slots to weights by position,
  // so the next weights updated take them in order.
  private pending: SlotEntry[] = [];

  /**
   * className is TF.js' name for the optimizer (getClassName()); checkpoints record it. options
   * may hold more than OptimizerOptions: the subclass refuses what it does not know.
   */
  constructor(readonly className: string, learningRate: LearningRate, options: OptimizerOptions = {}) {
    this.rate = learningRate instanceof LearningRateSchedule ? learningRate
      : isScheduleJson(learningRate) ? scheduleFromConfig(learningRate, className)
        : checkNumber(className, 'learningRate', learningRate, NON_NEGATIVE);
    this.clipping = clippingOptions(className, options);
    this.weightDecay = options.weightDecay === undefined || options.weightDecay === null ? null : checkNumber(className, 'weightDecay', options.weightDecay, NON_NEGATIVE);
  }

  getClassName(): string {
    return this.className;
  }

  /** The learning rate of the next update: the schedule's value at the step count, with a schedule (as Keras' learning_rate). */
  get learningRate(): number {
    return typeof this.rate === 'number' ? this.rate : this.rate.call(this.iterations);
  }

  set learningRate(learningRate: number) {
    this.setLearningRate(learningRate);
  }

  /** The schedule the learning rate follows, or null when it is a number. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return typeof this.rate === 'number' ? null : this.rate;
  }

  /** TF.js' setLearningRate; assigning learningRate works as well. Refused when the rate follows a schedule, as Keras does. */
  setLearningRate(learningRate: number): void {
    if (typeof this.rate !== 'number') {
      throw new TegakiError(`${this.className}: the learning rate follows the schedule ${this.rate.className} it was created with and cannot be set (received learningRate=${String(learningRate)}); create the optimizer with a number to set it.`);
    }
    this.rate = checkNumber(this.className, 'learningRate', learningRate, NON_NEGATIVE);
  }

  /**
   * Apply one update from the gradients stored in the weights, as Keras' optimizer does: the
   * learning rate at the step count, gradients clipped, weights decayed, then each weight's step.
   */
  apply(weights: readonly Weight[]): void {
    const lr = this.learningRate;
    if (!Number.isFinite(lr)) throw new TegakiError(`${this.className}: the learning rate schedule gave ${lr} at step ${this.iterations}.`);
    const grads = clipGradients(weights.map((w) => w.grad.f32), this.clipping);
    // Keras' _apply_weight_decay: w ← w − w·weightDecay·lr
    if (this.weightDecay !== null) for (const w of weights) getBackend().weightDecay(w.value.f32, this.weightDecay * lr);
    this.stepLearningRate = lr;
    this.iterations++;
    weights.forEach((w, i) => this.update(w.value.f32, grads[i]!, this.slotsFor(w)));
  }

  /** The slots kept per weight, in the order update() receives them. */
  protected abstract slotKinds(): SlotKind[];
  /**
   * One step on a weight's values from its (clipped) gradient, at this.stepLearningRate;
   * this.iterations counts this step (1 on the first).
   */
  protected abstract update(param: Float32Array, grad: Float32Array, slots: Float32Array[]): void;

  /**
   * getConfig's object: the learning rate (a schedule as { className, config }), the optimizer's
   * own hyperparameters, then those OptimizerOptions that are set (TF.js' optimizers have none).
   */
  protected configWith(own: Record<string, unknown>): Record<string, unknown> {
    const options: OptimizerOptions = {};
    for (const key of ['clipnorm', 'clipvalue', 'globalClipnorm'] as const) if (this.clipping[key] !== null) options[key] = this.clipping[key];
    if (this.weightDecay !== null) options.weightDecay = this.weightDecay;
    return { learningRate: typeof this.rate === 'number' ? this.rate : serializeSchedule(this.rate), ...own, ...options };
  }

  /** The slots TF.js' getWeights lists, in its order: ours, unless TF.js keeps one we do not. */
  protected savedSlots(): SavedSlot[] {
    return this.slotKinds().map(({ name }, slot) => ({ name, slot }));
  }

  private slotsFor(w: Weight): Float32Array[] {
    return this.entryFor(w).arrays;
  }

  private entryFor(w: Weight): SlotEntry {
    let entry = this.slots.get(w.value);
    if (!entry) {
      entry = this.pending.shift() ?? { name: w.name, shape: [...w.value.shape], arrays: this.slotKinds().map(({ initial }) => new Float32Array(w.value.size).fill(initial)) };
      if (entry.shape.join() !== w.value.shape.join()) {
        throw new TegakiError(`${this.className}: the slots setWeights gave for the next weight have shape ${formatShape(entry.shape)}, but it is '${w.name}' of shape ${formatShape(w.value.shape)}.`);
      }
      this.slots.set(w.value, entry);
    }
    return entry;
  }

  /** TF.js' minimize: one step down the gradient of the scalar f() over varList (default: all trainable variables). */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    const { value, grads } = this.computeGradients(f, varList);
    this.applyGradients(grads);
    return returnCost ? value : null;
  }

  /** TF.js' computeGradients: f()'s value and its gradient for each variable, by name. */
  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    return variableGrads(f, varList);
  }

  /** TF.js' applyGradients: update the named variables by their gradients (one iteration). */
  applyGradients(variableGradients: Record<string, Tensor> | { name: string; tensor: Tensor }[]): void {
    const entries = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const weights = entries.map(([name, grad]): Weight => {
      const v = variableNamed(name);
      if (!v) throw new TegakiError(`applyGradients: no variable named '${name}'.`);
      if (!(grad instanceof Tensor) || grad.shape.join() !== v.shape.join()) throw new TegakiError(`applyGradients: the gradient for '${name}' must be a tensor of shape [${v.shape}].`);
      // the update kernels write into the variable's own values
      return { name, value: v, grad: grad.dtype === 'float32' ? grad : new Tensor(grad.shape, Float32Array.from(grad.values), 'float32') };
    });
    this.apply(weights);
  }

  /** Slot arrays and step count, in weight order, for checkpoints. */
  getState(weights: readonly Weight[]): { iterations: number; slots: Float32Array[][] } {
    return { iterations: this.iterations, slots: weights.map((w) => this.slotsFor(w).map((a) => a.slice())) };
  }

  setState(weights: readonly Weight[], state: { iterations: number; slots: Float32Array[][] }): void {
    this.iterations = state.iterations;
    weights.forEach((w, i) => this.slotsFor(w).forEach((slot, j) => slot.set(state.slots[i]![j]!)));
  }

  /**
   * TF.js' getWeights: 'iter' (the step count, int32), then each saved slot of every weight, slot by
   * slot, weights in the order they were first updated: `${weight}/m` for all, then `${weight}/v`...
   */
  async getWeights(): Promise<NamedTensor[]> {
    return this.namedWeights([...this.slots.values(), ...this.pending]);
  }

  /**
   * TF.js' setWeights: a list as getWeights gives it replaces the step count and every slot. As in
   * TF.js the slots go to weights by position: the first weights updated next take them in order.
   */
  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const { iterations, groups } = this.readWeights(weightValues, `${this.className}.setWeights`);
    this.replaceState(iterations, groups.map((g) => this.entryOf(g)));
  }

  /**
   * getWeights for exactly these weights, named as a model names them ('dense/kernel'): what
   * model.save({ includeOptimizer: true }) writes. getWeights uses these names from then on.
   */
  getWeightsOf(weights: readonly Weight[]): NamedTensor[] {
    // as TF.js: an optimizer that has not stepped has no slots yet, only its step count
    if (this.pending.length === 0 && !weights.some((w) => this.slots.has(w.value))) return this.namedWeights([]);
    return this.namedWeights(weights.map((w) => Object.assign(this.entryFor(w), { name: w.name })));
  }

  /**
   * setWeights tied to these weights at once, each slot checked against the shape of its weight
   * before anything is copied: what loading a model saved with its optimizer restores. `where`
   * names the source in errors.
   */
  setWeightsOf(weights: readonly Weight[], weightValues: readonly NamedTensor[], where: string): void {
    const { iterations, groups } = this.readWeights(weightValues, where);
    // a model saved before its first step has no slots (TF.js saves 'iter' alone)
    if (groups.length !== 0 && groups.length !== weights.length) {
      throw new TegakiError(`${where}: the optimizer weights hold slots for ${groups.length} weights, the model trains ${weights.length}.`);
    }
    groups.forEach((g, i) => {
      const w = weights[i]!;
      if (g.shape.join() !== w.value.shape.join()) throw new TegakiError(`${where}: optimizer weight '${g.tensors[0]!.name}' has shape ${formatShape(g.shape)}; the weight it belongs to, ${w.name}, has ${formatShape(w.value.shape)}.`);
    });
    this.replaceState(iterations, []);
    groups.forEach((g, i) => this.slots.set(weights[i]!.value, { ...this.entryOf(g), name: weights[i]!.name }));
  }

  /** Forget every weight's slots: the step count and the slots the next weights take are these. */
  private replaceState(iterations: number, pending: SlotEntry[]): void {
    this.iterations = iterations;
    this.slots.clear();
    this.pending = pending;
  }

  /** 'iter', then each saved slot for all entries in turn (TF.js' getWeights order). */
  private namedWeights(entries: readonly SlotEntry[]): NamedTensor[] {
    const iter: NamedTensor = { name: 'iter', tensor: new Tensor([], [this.iterations], 'int32') };
    const slots = this.savedSlots().flatMap(({ name, slot }) => entries.map((e): NamedTensor => {
      const values = slot === null ? new Float32Array(sizeOf(e.shape)) : e.arrays[slot]!.slice();
      return { name: `${e.name}/${name}`, tensor: new Tensor(e.shape, values) };
    }));
    return [iter, ...slots];
  }

  /** The step count and each weight's slot tensors from a getWeights list, checked: nothing is copied yet. */
  private readWeights(weightValues: unknown, where: string): { iterations: number; groups: SlotGroup[] } {
    if (!Array.isArray(weightValues) || weightValues.length === 0) throw new TegakiError(`${where}: expected a list of { name, tensor }, 'iter' first.`);
    const list = weightValues.map((v, i) => checkNamedTensor(v, i, where));
    const iterations = readIterations(list[0]!, where);
    const saved = this.savedSlots();
    const slots = list.slice(1);
    const fits = saved.length === 0 ? slots.length === 0 : slots.length % saved.length === 0;
    if (!fits) {
      const kept = saved.length === 0 ? 'no slots' : `${saved.map((s) => s.name).join(', ')} for each weight`;
      throw new TegakiError(`${where}: ${slots.length} optimizer weights after 'iter'; ${this.className} keeps ${kept}.`);
    }
    const count = saved.length === 0 ? 0 : slots.length / saved.length;
    const groups = Array.from({ length: count }, (_, i) => {
      const tensors = saved.map((_, k) => slots[k * count + i]!);
      const shape = tensors[0]!.tensor.shape;
      for (const t of tensors) checkSlotTensor(t, shape, where);
      return { shape: [...shape], tensors };
    });
    return { iterations, groups };
  }

  /** A checked group's slots copied into the arrays update() works on; TF.js' name without the slot suffix. */
  private entryOf(group: SlotGroup): SlotEntry {
    const saved = this.savedSlots();
    const arrays: Float32Array[] = [];
    saved.forEach(({ slot }, k) => {
      if (slot !== null) arrays[slot] = Float32Array.from(group.tensors[k]!.tensor.values);
    });
    const first = group.tensors[0]!.name;
    const suffix = `/${saved[0]!.name}`;
    return { name: first.endsWith(suffix) ? first.slice(0, -suffix.length) : first, shape: group.shape, arrays };
  }

  /** The hyperparameters under the keys TF.js' getConfig() uses (see configWith). */
  abstract getConfig(): Record<string, unknown>;
}

function checkNamedTensor(value: unknown, index: number, where: string): NamedTensor {
  const v = value as Partial<NamedTensor> | null;
  if (typeof v !== 'object' || v === null || typeof v.name !== 'string' || !(v.tensor instanceof Tensor)) {
    throw new TegakiError(`${where}: optimizer weight ${index} must be { name, tensor } with a tegaki tensor.`);
  }
  return v as NamedTensor;
}

/** The step count: a scalar holding a whole number >= 0 (TF.js saves it as int32). */
function readIterations({ name, tensor }: NamedTensor, where: string): number {
  const value = tensor.size === 1 ? tensor.values[0]! : NaN;
  if (tensor.rank !== 0 || !Number.isSafeInteger(value) || value < 0) {
    throw new TegakiError(`${where}: optimizer weight '${name}' must be the step count, a scalar holding a whole number >= 0; received shape ${formatShape(tensor.shape)}${tensor.size === 1 ? ` holding ${value}` : ''}.`);
  }
  return value;
}

/** A slot: float32 values, all finite, of its weight's shape. */
function checkSlotTensor({ name, tensor }: NamedTensor, shape: readonly number[], where: string): void {
  if (tensor.dtype !== 'float32') throw new TegakiError(`${where}: optimizer weight '${name}' has dtype ${tensor.dtype}; slots are float32.`);
  if (tensor.shape.join() !== shape.join()) throw new TegakiError(`${where}: optimizer weight '${name}' has shape ${formatShape(tensor.shape)}, the other slots of its weight ${formatShape(shape)}.`);
  const values = tensor.f32;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new TegakiError(`${where}: optimizer weight '${name}' contains ${values[i]} at index ${i}.`);
  }
}
