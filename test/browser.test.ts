// The web app in a real browser (Debian's chromium, headless, driven by playwright-core): draw a
// digit stroke by stroke, upload a photo, look at the feature maps, train and watch the progress.
// Screenshots of each view go to <tmp>/tegaki-screens for people to look at.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadMnist } from '../src/data/mnist.js';
import { Random } from '../src/node.js';
import { DEFAULT_WEB_DIR, startServer, type RunningServer } from '../src/server/app.js';
import { digitPhoto } from './helpers/photos.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENS = join(tmpdir(), 'tegaki-screens');
const CLI = join(import.meta.dirname, '..', 'src', 'main.js');

/** Trace a 28×28 digit's ink as horizontal mouse strokes, one per run of ink in each row. */
async function drawDigit(page: Page, pixels: Uint8Array): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const cell = box.width / 28;
  for (let y = 0; y < 28; y++) {
    let x = 0;
    while (x < 28) {
      if (pixels[y * 28 + x]! < 128) {
        x++;
        continue;
      }
      const start = x;
      while (x < 28 && pixels[y * 28 + x]! >= 128) x++;
      const cy = box.y + (y + 0.5) * cell;
      await page.mouse.move(box.x + (start + 0.5) * cell, cy);
      await page.mouse.down();
      await page.mouse.move(box.x + (x - 0.5) * cell, cy, { steps: 3 });
      await page.mouse.up();
    }
  }
}

describe('tegaki serve: the web app in a browser', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  let root: string;
  let server: RunningServer;
  let browser: BrowserContext;
  let page: Page;
  const mnist = loadMnist().test;
  const digit = (i: number) => ({ pixels: mnist.images.pixels.subarray(i * 784, (i + 1) * 784), label: String(mnist.labels.classes[i]) });

  before(async () => {
    if (!existsSync(join(DEFAULT_WEB_DIR, 'index.html'))) {
      const vite = spawnSync(process.execPath, [join('node_modules', 'vite', 'bin', 'vite.js'), 'build'], { stdio: 'inherit' });
      assert.equal(vite.status, 0, 'vite build');
    }
    root = mkdtempSync(join(tmpdir(), 'tegaki-browser-'));
    mkdirSync(SCREENS, { recursive: true });
    // a CNN that reads digits decently after one short epoch
    const train = spawnSync(process.execPath, [CLI, 'train', '--model', 'cnn', '--epochs', '1', '--limit', '6000', '--batch-size', '32', '--optimizer', 'adam', '--seed', '1', '--out', join(root, 'runs', 'cnn-small')], { encoding: 'utf8' });
    assert.equal(train.status, 0, train.stderr);
    server = await startServer({ runsDir: join(root, 'runs'), port: 0 });
    // a persistent context on a fresh folder: the browser's own profile is never touched
    browser = await chromium.launchPersistentContext(join(root, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 860 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-model-ready="true"]', { timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('predicts a digit drawn stroke by stroke, live', async () => {
    for (const i of [0, 1]) {
      const { pixels, label } = digit(i);
      await page.click('#clear');
      await drawDigit(page, pixels);
      await page.waitForFunction((want) => document.querySelector('#draw-result .predicted')?.getAttribute('data-predicted') === want, label, { timeout: 5000 });
      assert.equal(await page.locator('#draw-result .bar').count(), 10);
    }
    await page.screenshot({ path: join(SCREENS, '1-draw.png') });
    await page.click('#undo');
    await page.click('#clear');
    await page.waitForSelector('#draw-result .hint');
    await drawDigit(page, digit(0).pixels);
  });

  it('predicts an uploaded photo and shows the 28×28 input', async () => {
    await page.click('[data-tab="upload"]');
    const { pixels, label } = digit(3);
    const photo = await digitPhoto(pixels, new Random(5), { digitSize: 160 });
    await page.setInputFiles('#file', { name: 'digit.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('#upload-result .predicted', { timeout: 10_000 });
    assert.equal(await page.getAttribute('#upload-result .predicted', 'data-predicted'), label);
    await page.screenshot({ path: join(SCREENS, '2-upload.png') });
  });

  it('shows every conv layer as a feature-map grid and the dense activations', async () => {
    await page.click('[data-tab="inside"]');
    await page.waitForSelector('#inside .layer.conv');
    const conv = await page.locator('#inside .layer.conv .layer-label').allTextContents();
    assert.deepEqual(conv, ['conv2d (None, 26, 26, 32)', 'conv2d_1 (None, 11, 11, 64)', 'conv2d_2 (None, 3, 3, 64)']);
    assert.equal(await page.locator('#inside .layer.conv canvas.feature-grid').count(), 3);
    const dense = await page.locator('#inside .layer.dense .layer-label').allTextContents();
    assert.deepEqual(dense, ['dense (None, 64)', 'dense_1 (None, 10)']);
    await page.screenshot({ path: join(SCREENS, '3-inside.png'), fullPage: true });
  });

  it('shows the model report, written on demand', async () => {
    await page.click('[data-tab="evaluate"]');
    await page.click('#evaluate-info button', { timeout: 90_000 });
    await page.waitForSelector('#report:not([hidden])', { timeout: 60_000 });
    await page.frameLocator('#report').locator('img').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENS, '4-evaluate.png') });
  });

  it('trains a run and shows its progress live', async () => {
    await page.click('[data-tab="train"]');
    await page.selectOption('#train-form select[name="model"]', 'cnn');
    await page.fill('#train-form input[name="limit"]', '1500');
    await page.fill('#train-form input[name="batchSize"]', '32');
    await page.click('#train-start');
    await page.waitForFunction(() => Number(document.getElementById('train-status')?.dataset['events'] ?? 0) > 2, null, { timeout: 30_000 });
    await page.waitForFunction(() => /^Done/.test(document.getElementById('train-status')?.textContent ?? ''), null, { timeout: 60_000 });
    // the model list is refreshed from the server after the run is done
    await page.waitForFunction(() => document.querySelectorAll('#model-select option').length === 2, null, { timeout: 15_000 });
    assert.equal(await page.locator('#model-select option').count(), 2, 'the new model is offered');
    await page.screenshot({ path: join(SCREENS, '5-train.png') });
  });
});
