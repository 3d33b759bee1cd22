"""PyTorch side of the accuracy benchmark: the tutorial NN or CNN trained the tutorial's way
(batch 64, RMSprop with Keras' settings, shuffled every epoch) for EPOCHS epochs, once per seed,
then scored on the 10,000 test images. INIT is 'keras' (Glorot-uniform kernels, zero biases, as
Keras and tegaki start) or 'torch' (PyTorch's own default). Prints one JSON line per seed.
Usage: torch_accuracy.py DATA_DIR nn|cnn EPOCHS INIT SEED[,SEED...]"""
import json
import sys

import torch
import torch.nn as nn

from torch_bench import build, read_idx, test_accuracy


def keras_init(model):
    for layer in model:
        if isinstance(layer, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)


def main():
    data_dir, kind, epochs, init, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    torch.set_num_threads(1)
    images = lambda name: torch.tensor(read_idx(f'{data_dir}/{name}-images-idx3-ubyte'), dtype=torch.float32).div_(255).unsqueeze(1)
    labels = lambda name: torch.tensor(read_idx(f'{data_dir}/{name}-labels-idx1-ubyte'), dtype=torch.long)
    x, y, x_test, y_test = images('train'), labels('train'), images('t10k'), labels('t10k')
    for seed in (int(s) for s in seeds.split(',')):
        torch.manual_seed(seed)
        model = build(kind)
        if init == 'keras':
            keras_init(model)
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()
        for _ in range(epochs):
            model.train()
            perm = torch.randperm(len(x))
            for i in range(0, len(x), 64):
                j = perm[i:i + 64]
                opt.zero_grad()
                loss_fn(model(x[j]), y[j]).backward()
                opt.step()
        accuracy = test_accuracy(model, x_test, y_test)
        print(json.dumps({'seed': seed, 'accuracy': accuracy, 'version': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
