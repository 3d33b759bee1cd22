// The tutorial's CNN as a library user writes it (README shows this file).
import { datasets, layers, sequential, type Scalar } from 'tegaki';

const mnist = datasets.mnist.load(); // 60,000 + 10,000 digits, shipped with the package

const model = sequential({ seed: 42 });
model.add(layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
model.add(layers.maxPooling2d({ poolSize: 2 }));
model.add(layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
model.add(layers.maxPooling2d({ poolSize: 2 }));
model.add(layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
model.add(layers.flatten());
model.add(layers.dense({ units: 64, activation: 'relu' }));
model.add(layers.dense({ units: 10, activation: 'softmax' }));
model.summary();

model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(mnist.train.images, mnist.train.labels, { epochs: 5, batchSize: 64 });

const [loss, accuracy] = model.evaluate(mnist.test.images, mnist.test.labels) as Scalar[];
console.log(`Test loss: ${loss.dataSync()[0]}\nTest accuracy: ${accuracy.dataSync()[0]}`);
