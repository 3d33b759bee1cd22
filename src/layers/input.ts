// InputLayer and tf.input(): where a functional model's data comes in. The layer does nothing to
// its input; its one node has no inputs and outputs the symbolic tensor tf.input() returns.

import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { Random } from '../random.js';
import { Layer, type LayerArgs } from './layer.js';
import { LayerNode, SymbolicTensor } from './layer.js';

export interface InputConfig {
  /** Shape of one sample, without the batch dimension. */
  shape?: number[];
  /** The same with the batch dimension first (null). */
  batchShape?: (number | null)[];
  name?: string;
  /** Only 'float32'. */
  dtype?: 'float32';
  /** Only false. */
  sparse?: boolean;
}

export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';

  constructor(args: LayerArgs & { sparse?: boolean; dtype?: string }) {
    const { sparse, ...rest } = args;
    super(rest, ['sparse']);
    if (sparse) throw new TegakiError('InputLayer: sparse inputs are not supported.');
    if (!this.declaredInputShape) throw new TegakiError('InputLayer needs inputShape or batchInputShape.');
    this.buildFor(this.declaredInputShape, new Random(0));
    const node = new LayerNode(this, [], [this.declaredInputShape]);
    this.inboundNodes.push(node);
    node.setOutput(new SymbolicTensor([null, ...this.declaredInputShape], this, 0));
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, batchInputShape: this.batchInputShape, dtype: 'float32', sparse: false };
  }
}

/** TF.js' tf.input({ shape }): the symbolic input of a functional model. */
export function input(config: InputConfig): SymbolicTensor {
  if (!config || typeof config !== 'object') throw new TegakiError('input expects a config such as { shape: [784] }.');
  refuseUnknownOptions(config, ['shape', 'batchShape', 'name', 'dtype', 'sparse'], 'input');
  if (config.shape !== undefined && config.batchShape !== undefined) throw new TegakiError('input: give shape or batchShape, not both (shape does not include the batch dimension).');
  if (config.shape === undefined && config.batchShape === undefined) throw new TegakiError('input: give shape (one sample, e.g. [28, 28, 1]) or batchShape.');
  if (config.dtype !== undefined && config.dtype !== 'float32') throw new TegakiError(`input: dtype '${String(config.dtype)}' is not supported (float32 only).`);
  const layer = new InputLayer({
    name: config.name, sparse: config.sparse,
    ...(config.shape !== undefined ? { inputShape: config.shape } : { batchInputShape: config.batchShape }),
  });
  return layer.output;
}
