// A functional model's graph: the layer applications (nodes) between its symbolic inputs and
// outputs, in an order where every node comes after those it reads, and how to run it on tensors.

import { TegakiError } from '../errors.js';
import { InputLayer } from '../layers/input.js';
import { callLayer, type CallArgs, type Layer } from '../layers/layer.js';
import type { LayerNode, SymbolicTensor } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';

export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every node but the inputs', dependencies first. */
  readonly nodes: readonly LayerNode[];
  /** TF.js' order: deepest (farthest from the outputs) first, ties in the order a walk from the outputs reaches them. */
  readonly layers: readonly Layer[];
}

function checkSymbolic(list: unknown[], field: string): SymbolicTensor[] {
  if (list.length === 0) throw new TegakiError(`tf.model: ${field} must not be empty.`);
  for (const t of list) {
    const s = t as SymbolicTensor;
    if (!s || typeof s !== 'object' || !('sourceLayer' in s) || !('nodeIndex' in s)) throw new TegakiError(`tf.model: ${field} must be symbolic tensors (from tf.input() and layer.apply()), received ${String(t)}.`);
  }
  return list as SymbolicTensor[];
}

/** The graph from inputs to outputs; refuses outputs that need an input not given. */
export function graphOf(inputList: unknown[], outputList: unknown[]): Graph {
  const inputs = checkSymbolic(inputList, 'inputs');
  const outputs = checkSymbolic(outputList, 'outputs');
  for (const t of inputs) {
    if (!(t.sourceLayer instanceof InputLayer)) throw new TegakiError(`tf.model: input ${t.name} is not from tf.input(); a model's inputs must be.`);
  }
  if (new Set(inputs).size !== inputs.length) throw new TegakiError('tf.model: the same input is listed twice.');
  const given = new Set(inputs.map((t) => t.node));
  // depth-first from the outputs, inputs of a node in order, without recursion so a deep graph
  // cannot overflow the stack: nodes in post-order, layers numbered when first reached (TF.js' order)
  const finished = new Set<LayerNode>();
  const order: LayerNode[] = [];
  const layerIndex = new Map<Layer, number>();
  for (const output of outputs) {
    const stack: { node: LayerNode; expanded: boolean }[] = [{ node: output.node, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (finished.has(top.node)) continue;
      if (top.expanded) {
        finished.add(top.node);
        order.push(top.node);
        continue;
      }
      if (top.node.layer instanceof InputLayer && !given.has(top.node)) {
        throw new TegakiError(`tf.model: graph disconnected: output ${output.name} needs input ${top.node.layer.name || 'an input'} (${top.node.output.shape.map((d) => d ?? 'null').join(', ')}), which is not in inputs.`);
      }
      if (!layerIndex.has(top.node.layer)) layerIndex.set(top.node.layer, layerIndex.size);
      stack.push({ node: top.node, expanded: true });
      for (const input of [...top.node.inputs].reverse()) if (!finished.has(input.node)) stack.push({ node: input.node, expanded: false });
    }
  }
  for (const t of inputs) if (!layerIndex.has(t.sourceLayer)) layerIndex.set(t.sourceLayer, layerIndex.size);
  // a node's depth is its longest distance to an output; a layer's, its deepest node's
  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...order].reverse()) {
    // a shared layer sits at its deepest use, and its nodes are counted from there (TF.js' rule)
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    nodeDepth.set(node, depth);
    layerDepth.set(node.layer, Math.max(layerDepth.get(node.layer) ?? 0, depth));
    for (const input of node.inputs) nodeDepth.set(input.node, Math.max(nodeDepth.get(input.node) ?? 0, depth + 1));
  }
  for (const t of inputs) if (!layerDepth.has(t.sourceLayer)) layerDepth.set(t.sourceLayer, 0);
  const layers = [...layerIndex.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || layerIndex.get(a)! - layerIndex.get(b)!);
  const nodes = order.filter((n) => !given.has(n));
  return { inputs, outputs, nodes, layers };
}

/** A layer's nodes that belong to the graph, in the layer's order: what a node index in model.json counts. */
export function nodesInGraph(graph: Graph, layer: Layer): LayerNode[] {
  const inGraph = graphNodeSet(graph);
  return layer.inboundNodes.filter((n) => inGraph.has(n));
}

const nodeSets = new WeakMap<Graph, Set<LayerNode>>();

function graphNodeSet(graph: Graph): Set<LayerNode> {
  let set = nodeSets.get(graph);
  if (!set) nodeSets.set(graph, (set = new Set([...graph.nodes, ...graph.inputs.map((t) => t.node)])));
  return set;
}

/** Run the graph's layers on tensors, one per input; returns one tensor per output. */
export function runGraph(graph: Graph, xs: readonly Tensor[], kwargs: CallArgs): Tensor[] {
  const values = new Map<SymbolicTensor, Tensor>();
  graph.inputs.forEach((t, i) => values.set(t, xs[i]!));
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => values.get(t)!);
    const out = callLayer(node.layer, ins.length === 1 ? ins[0]! : ins, kwargs);
    if (Array.isArray(out)) throw new TegakiError(`Layer ${node.layer.name}: call returned several tensors; tegaki's models take layers with one output.`);
    values.set(node.output, out);
  }
  return graph.outputs.map((t) => values.get(t)!);
}
