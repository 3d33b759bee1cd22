// Reports: read the grid's pixels back (blue right, red wrong, layout), check the confusion matrix and
// per-class scores against a hand-computed case, the HTML's self-containment, and the main job's files.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { buildTutorialModel, datasets } from '../src/node.js';
import { classificationReport, classScores, confusionMatrix } from '../src/report/evaluation.js';
import { predictionGrid } from '../src/report/grid.js';
import { writeModelReport } from '../src/report/model-report.js';

async function pixels(png: Buffer): Promise<{ width: number; at(x: number, y: number): [number, number, number] }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  return { width: image.width, at: (x, y) => [data[(y * image.width + x) * 4]!, data[(y * image.width + x) * 4 + 1]!, data[(y * image.width + x) * 4 + 2]!] };
}

test('prediction grid: right labels are blue, wrong ones red, cells laid out row by row', async () => {
  const mnist = datasets.mnist.load();
  const images = mnist.test.images.toTensor(0, 12).f32;
  const truth = [...mnist.test.labels.classes.subarray(0, 12)];
  const predicted = truth.map((t, i) => (i % 3 === 1 ? (t + 1) % 10 : t)); // every third one wrong
  const { png, layout, shown } = predictionGrid({ images, imageShape: [28, 28, 1], predicted, truth, classNames: mnist.classNames, count: 12 }, { cols: 5, scale: 3 });
  assert.deepEqual(shown, [...Array(12).keys()]);
  assert.equal(layout.cells.length, 12);
  assert.equal(layout.cols, 5);
  assert.equal(layout.rows, 3);
  assert.equal(layout.cells[5]!.x, 0, 'the sixth cell starts the second row');
  assert.ok(layout.cells[5]!.y > layout.cells[4]!.y);
  const img = await pixels(png);
  assert.equal(img.width, layout.width);
  for (const [i, cell] of layout.cells.entries()) {
    let blue = 0;
    let red = 0;
    for (let y = cell.captionY - 16; y < cell.captionY + 4; y++) {
      for (let x = cell.x; x < cell.x + cell.width; x++) {
        const [r, g, b] = img.at(x, y);
        if (b > 150 && r < 110 && g < 150) blue++;
        if (r > 150 && g < 110 && b < 110) red++;
      }
    }
    const right = predicted[i] === truth[i];
    assert.ok(right ? blue > 20 && red === 0 : red > 20 && blue === 0, `cell ${i} (${right ? 'right' : 'wrong'}): ${blue} blue, ${red} red pixels`);
  }
  // the digit itself is drawn dark on white, scaled up
  const first = layout.cells[0]!;
  let dark = 0;
  for (let y = first.y + 8; y < first.y + 8 + 84; y++) for (let x = first.x; x < first.x + first.width; x++) if (img.at(x, y)[0] < 60) dark++;
  assert.ok(dark > 300, `ink pixels in the first image: ${dark}`);
  const onlyMistakes = predictionGrid({ images, imageShape: [28, 28, 1], predicted, truth, classNames: mnist.classNames, onlyMistakes: true }, {});
  assert.deepEqual(onlyMistakes.shown, [1, 4, 7, 10]);
});

test('confusion matrix and per-class scores match a hand-computed case', () => {
  // truth:     0 0 0 1 1 2 2 2 2
  // predicted: 0 0 1 1 2 2 2 2 0
  const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 2, 2, 2, 2, 0];
  const m = confusionMatrix(predicted, truth, 3);
  assert.deepEqual(m, [[2, 1, 0], [0, 1, 1], [1, 0, 3]]);
  const s = classScores(m, ['a', 'b', 'c']);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  // class a: tp 2, predicted 3, support 3 → p 2/3, r 2/3
  close(s.perClass[0]!.precision, 2 / 3);
  close(s.perClass[0]!.recall, 2 / 3);
  // class b: tp 1, predicted 2, support 2 → p 1/2, r 1/2
  close(s.perClass[1]!.f1, 0.5);
  // class c: tp 3, predicted 4, support 4 → p 3/4, r 3/4
  close(s.perClass[2]!.precision, 0.75);
  assert.deepEqual(s.perClass.map((c) => c.support), [3, 2, 4]);
  close(s.macro.precision, (2 / 3 + 1 / 2 + 3 / 4) / 3);
  close(s.weighted.recall, (3 * (2 / 3) + 2 * 0.5 + 4 * 0.75) / 9);
  const text = classificationReport({ ...s, accuracy: 6 / 9, count: 9 });
  assert.equal(text.split('\n')[0], `${' '.repeat(14)}precision    recall  f1-score   support`);
  assert.match(text, /\n {11}c       0\.75      0\.75      0\.75         4\n/);
  assert.match(text, /\n {4}accuracy                           0\.67         9\n/);
});

test('the HTML report embeds its images and links nothing outside the file', () => {
  const mnist = datasets.mnist.load();
  const model = buildTutorialModel('nn', { seed: 1 });
  model.metadata = { history: { loss: [0.9, 0.5], accuracy: [0.7, 0.85], val_loss: [0.8, 0.6], val_accuracy: [0.75, 0.8] } };
  const dir = mkdtempSync(join(tmpdir(), 'tegaki-report-'));
  const labels = new datasets.ClassLabels(mnist.test.labels.classes.subarray(0, 300), 10, true);
  const report = writeModelReport(dir, model, datasets.take(mnist.test.images, 300), labels, mnist.classNames, { count: 20 });
  const html = readFileSync(report.files.html, 'utf8');
  const text = html.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '');
  assert.doesNotMatch(text, /\b(https?|ftp):|(src|href)="\/\/|url\(/i, 'no URL');
  assert.doesNotMatch(html, /<(script|link)\b/i);
  assert.ok((html.match(/<img src="data:image\/png;base64,/g) ?? []).length >= 2);
  assert.ok((html.match(/<svg /g) ?? []).length >= 2, 'curves and heat map inline');
  for (const f of [report.files.grid, report.files.mistakes, report.files.confusion, report.files.curves!]) assert.ok(existsSync(f), f);
});

test('the main job on a small slice writes every file it promises', () => {
  const cli = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const out = join(mkdtempSync(join(tmpdir(), 'tegaki-main-')), 'run');
  const r = spawnSync(process.execPath, [cli, 'tutorial', '--epochs', '1', '--limit', '600', '--seed', '1', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const model of ['nn', 'cnn']) {
    for (const f of ['model.json', 'report.html', 'predictions.png', 'confusion.png', 'mistakes.png', 'curves.png']) assert.ok(existsSync(join(out, model, f)), `${model}/${f}`);
  }
  assert.ok(existsSync(join(out, 'index.html')));
  assert.match(r.stdout, new RegExp(`Comparison: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/index\\.html`));
  const page = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(page, /<td>NN<\/td><td>50,890<\/td>/);
  assert.match(page, /<td>CNN<\/td><td>93,322<\/td>/);
});
