// A model used as a layer of another model, as TF.js allows (models are layers there):
// sequential.add(base) or base.apply(symbolicInput). The layer is named like any other
// ('sequential', 'sequential_1'…), so two nested models never share a name. Its weights are the inner model's own, so
// training the outer model trains (or, frozen, keeps) them.

import { TegakiError } from '../errors.js';
import { Layer, singleInput, singleSampleShape, type BatchShape, type CallArgs, type LayerInput, type LayerWeight } from '../layers/layer.js';
import type { Random } from '../random.js';
import type { Shape, Tensor } from '../tensor.js';

/** What a model offers to be nested (LayersModel implements it). */
export interface NestableModel {
  readonly name: string;
  /** 'Sequential' or 'Model', as the model format names the class. */
  readonly topologyClassName: string;
  readonly rng: Random;
  readonly built: boolean;
  readonly weights: LayerWeight[];
  readonly trainableWeights: LayerWeight[];
  readonly nonTrainableWeights: LayerWeight[];
  readonly outputSampleShapes: number[][];
  readonly inputSampleShapes: number[][];
  /** Check (and, for an unbuilt Sequential, build from) the input sample shapes. */
  checkInputShapes(sampleShapes: Shape[]): void;
  execute(xs: Tensor[], training: boolean, rng?: Random): Tensor[];
}

export class ModelLayer extends Layer {
  constructor(readonly model: NestableModel) {
    // a built model declares its input shape, so a Sequential it starts can build at once
    super({ inputShape: model.built && model.inputSampleShapes.length === 1 ? model.inputSampleShapes[0] : undefined }, []);
  }

  override get className(): string {
    return this.model.topologyClassName;
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    this.model.checkInputShapes([singleSampleShape(inputShape, this)]);
    const outputs = this.model.outputSampleShapes;
    if (outputs.length !== 1 || this.model.inputSampleShapes.length !== 1) throw new TegakiError(`Model ${this.model.name} has several inputs or outputs; tegaki nests models with one of each.`);
    return [null, ...outputs[0]!];
  }

  override build(): void {
    this.weights.push(...this.model.weights);
    this.built = true;
  }

  override get trainableWeights(): LayerWeight[] {
    return this.trainable ? this.model.trainableWeights : [];
  }

  override get nonTrainableWeights(): LayerWeight[] {
    return this.trainable ? this.model.nonTrainableWeights : [...this.model.weights];
  }

  override call(inputs: LayerInput, kwargs: CallArgs = {}): Tensor {
    return this.model.execute([singleInput(inputs, this)], kwargs.training ?? false, kwargs.rng ?? this.model.rng)[0]!;
  }

  override getConfig(): Record<string, unknown> {
    throw new TegakiError(`Model ${this.model.name} is nested in another model: saving or serializing such a model is not supported yet.`);
  }
}
