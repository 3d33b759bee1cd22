"""PyTorch side of the cnn-plus accuracy benchmark: the same architecture and recipe as
`tegaki train --model cnn-plus` (src/model/cnn-plus.ts), once per seed, scored on the 10,000 test
images. Prints one JSON line per seed.

The model: (Conv 3x3 no bias, BatchNorm, ReLU) x2, MaxPool 2, (Conv 3x3 64, BN, ReLU) x2, MaxPool 2,
Flatten, Dropout, Dense 128 no bias, BN, ReLU, Dropout, Dense 10; Keras' initializers (Glorot
uniform kernels, zero biases), Keras' BatchNormalization settings (momentum 0.99, epsilon 1e-3).
The recipe: while training only, each image is rotated, zoomed and shifted (Keras' RandomRotation,
RandomZoom, RandomTranslation, applied one after the other with bilinear sampling and zero fill);
AdamW (Keras' defaults: epsilon 1e-7, weight decay 0.004) with a cosine decay of the learning rate
to 0 over all steps, updated every step; batches shuffled every epoch.
Usage: torch_plus.py DATA_DIR EPOCHS BATCH LEARNING_RATE SEED[,SEED...]"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_bench import read_idx, test_accuracy

# the augmentation factors of src/model/cnn-plus.ts
ROTATION = 0.03     # a fraction of a full turn, as Keras' RandomRotation(factor)
ZOOM = 0.1          # RandomZoom(heightFactor): scale in [1 - 0.1, 1 + 0.1]
TRANSLATION = 0.1   # RandomTranslation(0.1, 0.1): a shift of up to 10 % of the side


def block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU()]


def build():
    model = nn.Sequential(
        *block(1, 32), *block(32, 32), nn.MaxPool2d(2),
        *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25),
        nn.Linear(4 * 4 * 64, 128, bias=False), nn.BatchNorm1d(128, eps=1e-3, momentum=0.01), nn.ReLU(),
        nn.Dropout(0.25), nn.Linear(128, 10))
    for layer in model:
        if isinstance(layer, (nn.Linear, nn.Conv2d)):
            # PyTorch keeps kernels as [out, in, kh, kw]; Glorot's fans are the same either way
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
    return model


def warp(x, theta):
    """Sample each image of x at theta · (output coordinates), bilinear, zeros outside."""
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)


def augment(x):
    n = x.shape[0]
    eye = torch.eye(2, 3).repeat(n, 1, 1)
    angle = (torch.rand(n) * 2 - 1) * ROTATION * 2 * math.pi
    rot = eye.clone()
    rot[:, 0, 0], rot[:, 0, 1], rot[:, 1, 0], rot[:, 1, 1] = angle.cos(), -angle.sin(), angle.sin(), angle.cos()
    x = warp(x, rot)
    zoom = eye.clone()
    zoom[:, 0, 0] = zoom[:, 1, 1] = 1 + (torch.rand(n) * 2 - 1) * ZOOM
    x = warp(x, zoom)
    shift = eye.clone()
    # affine_grid's coordinates span [-1, 1], so a shift of f of the side is 2f
    shift[:, :, 2] = (torch.rand(n, 2) * 2 - 1) * TRANSLATION * 2
    return warp(x, shift)


def main():
    data_dir, epochs, batch, lr, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    torch.set_num_threads(1)
    images = lambda name: torch.tensor(read_idx(f'{data_dir}/{name}-images-idx3-ubyte'), dtype=torch.float32).div_(255).unsqueeze(1)
    labels = lambda name: torch.tensor(read_idx(f'{data_dir}/{name}-labels-idx1-ubyte'), dtype=torch.long)
    x, y, x_test, y_test = images('train'), labels('train'), images('t10k'), labels('t10k')
    steps = epochs * math.ceil(len(x) / batch)
    for seed in (int(s) for s in seeds.split(',')):
        torch.manual_seed(seed)
        model = build()
        opt = torch.optim.AdamW(model.parameters(), lr=lr, eps=1e-7, weight_decay=0.004)
        # Keras' CosineDecay(alpha=0) evaluated at the optimizer's step count
        schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 0.5 * (1 + math.cos(math.pi * min(step, steps) / steps)))
        loss_fn = nn.CrossEntropyLoss()
        for _ in range(epochs):
            model.train()
            perm = torch.randperm(len(x))
            for i in range(0, len(x), batch):
                j = perm[i:i + batch]
                opt.zero_grad()
                loss_fn(model(augment(x[j])), y[j]).backward()
                opt.step()
                schedule.step()
        accuracy = test_accuracy(model, x_test, y_test)
        print(json.dumps({'seed': seed, 'accuracy': accuracy, 'version': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
