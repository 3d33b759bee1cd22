// The single-page app: tabs, the model picker, and the current input shared by Draw, Upload and
// Look inside. Drawing predictions run here in the browser; uploads go to the server.

import type { Sequential } from '../../src/index.js';
import { generateReport, listModels, modelUrl, predictUpload, type ModelInfo } from './api.js';
import { DrawingPad } from './drawing.js';
import { activations, classNamesOf, fetchModel, predict } from './engine.js';
import { renderInside } from './inside.js';
import { drawGray, el, renderEmpty, renderPrediction } from './render.js';
import { TrainingView } from './training.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const state = {
  models: [] as ModelInfo[],
  modelId: '',
  model: null as Sequential | null,
  /** The last drawn or uploaded image as the model takes it (28×28 in [0, 1]). */
  input: null as Float32Array | null,
  tab: 'draw',
};

function showTab(tab: string): void {
  state.tab = tab;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) b.setAttribute('aria-selected', String(b.dataset['tab'] === tab));
  for (const s of document.querySelectorAll<HTMLElement>('.tab')) s.hidden = s.id !== `tab-${tab}`;
  if (tab === 'inside') refreshInside();
  if (tab === 'evaluate') refreshEvaluate();
  if (tab === 'train') training.draw();
}

function notice(text: string | null): void {
  const p = $('notice');
  p.hidden = !text;
  p.innerHTML = text ?? '';
}

async function refreshModels(select?: string): Promise<void> {
  state.models = await listModels();
  const picker = $<HTMLSelectElement>('model-select');
  picker.replaceChildren(
    ...state.models.map((m) => {
      const accuracy = m.testAccuracy === null ? '' : ` · ${(m.testAccuracy * 100).toFixed(1)}%`;
      const option = el('option', '', `${m.id} (${m.kind}${accuracy})`);
      option.value = m.id;
      return option;
    }),
  );
  if (state.models.length === 0) {
    notice('No trained models yet. Run <code>npm start</code> (trains the tutorial models into <code>runs/</code>) or start one in the <strong>Train</strong> tab.');
    return;
  }
  notice(null);
  const id = select && state.models.some((m) => m.id === select) ? select : state.models.some((m) => m.id === state.modelId) ? state.modelId : state.models[0]!.id;
  picker.value = id;
  if (id !== state.modelId) await selectModel(id);
}

async function selectModel(id: string): Promise<void> {
  state.modelId = id;
  state.model = null;
  document.body.dataset['modelReady'] = 'false';
  try {
    state.model = await fetchModel(id);
  } catch (e) {
    notice(`Could not load ${id}: ${(e as Error).message}`);
    return;
  }
  document.body.dataset['modelReady'] = 'true';
  predictDrawing();
  if (state.tab === 'inside') refreshInside();
  if (state.tab === 'evaluate') refreshEvaluate();
}

const pad = new DrawingPad($('pad'), () => predictDrawing());

function predictDrawing(): void {
  const digit = pad.toInput();
  const view = $<HTMLCanvasElement>('draw-input');
  if (!digit) {
    drawGray(view, new Float32Array(784), 28, 28);
    renderEmpty($('draw-result'), state.model ? 'Draw a digit to see what the network thinks.' : 'No model loaded.');
    return;
  }
  state.input = digit.data;
  drawGray(view, digit.data, 28, 28);
  if (state.model) renderPrediction($('draw-result'), predict(state.model, digit.data), classNamesOf(state.model));
}

function refreshInside(): void {
  const target = $('inside');
  if (!state.model || !state.input) {
    renderInside(target, null, [], []);
    return;
  }
  renderInside(target, state.input, activations(state.model, state.input), classNamesOf(state.model));
}

function refreshEvaluate(): void {
  const info = $('evaluate-info');
  const frame = $<HTMLIFrameElement>('report');
  const model = state.models.find((m) => m.id === state.modelId);
  if (!model) {
    info.replaceChildren(el('p', 'hint', 'No model selected.'));
    frame.hidden = true;
    return;
  }
  const accuracy = model.testAccuracy === null ? 'not evaluated yet' : `${(model.testAccuracy * 100).toFixed(2)}%`;
  info.replaceChildren(el('h2', '', model.id), el('p', 'hint', `${model.kind.toUpperCase()} · saved ${new Date(model.savedAt).toLocaleString()} · test accuracy ${accuracy}`));
  if (model.hasReport) {
    const src = modelUrl(model.id, 'report.html');
    if (!frame.src.endsWith(src)) frame.src = src;
    frame.hidden = false;
    return;
  }
  frame.hidden = true;
  const button = el('button', 'primary', 'Evaluate on the 10,000 MNIST test images');
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Evaluating…';
    generateReport(model.id)
      .then(() => refreshModels(model.id))
      .then(() => refreshEvaluate())
      .catch((e: Error) => info.append(el('p', 'error', e.message)));
  });
  info.append(el('p', 'hint', 'This model has no report yet (tegaki evaluate writes one).'), button);
}

async function upload(file: File): Promise<void> {
  const preview = $<HTMLImageElement>('upload-preview');
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  const status = $('upload-status');
  status.textContent = 'Predicting…';
  status.classList.remove('error');
  try {
    if (!state.modelId) throw new Error('No model to predict with yet.');
    const result = await predictUpload(file, state.modelId);
    if (result.input) {
      const bytes = Uint8Array.from(atob(result.input.pixels), (c) => c.charCodeAt(0));
      const pixels = Float32Array.from(bytes, (v) => v / 255);
      drawGray($('upload-input'), pixels, result.input.width, result.input.height);
      state.input = pixels;
    }
    renderPrediction($('upload-result'), result.probabilities, state.model ? classNamesOf(state.model) : result.probabilities.map((_, i) => String(i)));
    status.textContent = 'Preprocessed on the server like MNIST.';
  } catch (e) {
    status.textContent = (e as Error).message;
    status.classList.add('error');
  }
}

const training = new TrainingView((id) => void refreshModels(id));

for (const b of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) b.addEventListener('click', () => showTab(b.dataset['tab']!));
$('undo').addEventListener('click', () => pad.undo());
$('clear').addEventListener('click', () => pad.clear());
$<HTMLSelectElement>('model-select').addEventListener('change', (e) => void selectModel((e.target as HTMLSelectElement).value));
$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void upload(file);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void upload(file);
});

predictDrawing();
refreshModels().catch((e: Error) => notice(`Cannot reach the server: ${e.message}`));
