#!/usr/bin/env python3
"""Small PyTorch exports that exercise the front end as a user's own model would (issue 11).

Run with Debian's PyTorch (apt install python3-torch python3-torchvision):
    /usr/bin/python3 models/pytorch/make_pytorch_models.py models/pytorch

Each model gets a folder with network.onnx, calibration.json (32 rows, EZKL layout: the rows
`zkml compile --calibration` reads) and heldout.json (64 other rows with ONNX Runtime-independent
PyTorch outputs in "torch_output"). The weights are seeded, not trained: agreement is measured on
the argmax of the outputs, which a random network spreads over the classes as well as a trained one.
Kept small (< 100 KB each) so they are committed; regenerate only to change them.
"""
import json
import os
import sys

import torch
import torch.nn as nn

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


class Transformer(nn.Module):
    """One nn.TransformerEncoderLayer (2 heads, d_model 16), mean over the sequence, a linear head."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        return self.head(self.enc(x).mean(dim=1))


class Recurrent(nn.Module):
    """nn.LSTM or nn.GRU over 6 steps of 8 features, the last hidden state into a linear head."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(input_size=8, hidden_size=12, batch_first=True)
        self.head = nn.Linear(12, 5)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


class GeluMlp(nn.Module):
    """Linear → LayerNorm → GELU (exact, i.e. Erf) → Linear: the MLP block of a transformer."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 32), nn.LayerNorm(32), nn.GELU(), nn.Linear(32, 6))

    def forward(self, x):
        return self.net(x)


class DepthwiseCnn(nn.Module):
    """MobileNet-style blocks: depthwise 3×3 (group = C), a grouped 3×3 (4 channels per group, stride 2)
    and a depthwise multiplier-2 3×3, with BatchNorm and ReLU6, global average pool and a linear head."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU6(),
            nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8), nn.ReLU6(),
            nn.Conv2d(8, 16, 1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=4), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1, groups=16), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 5))
        for m in self.modules():   # non-trivial batch-norm statistics, so folding them is exercised
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)

    def forward(self, x):
        return self.net(x)


MODELS = {
    # name: (module factory, input shape without batch, opsets)
    "transformer_encoder": (Transformer, (8, 16), (13, 17)),
    "lstm": (lambda: Recurrent(nn.LSTM), (6, 8), (11, 13)),
    "gru": (lambda: Recurrent(nn.GRU), (6, 8), (11, 13)),
    "gelu_mlp": (GeluMlp, (20,), (13, 17)),
    "depthwise_cnn": (DepthwiseCnn, (3, 8, 8), (11, 13)),
}


def rounded(t):
    """Rows of a 2-D tensor as lists of floats with 5 decimals (what the JSON files hold exactly)."""
    return [[round(float(v), 5) for v in row] for row in t]


def main():
    for name, (factory, shape, opsets) in MODELS.items():
        torch.manual_seed(sum(map(ord, name)))  # stable across runs (str hash is salted)
        model = factory().eval()
        # Rounded first, so the rows in the files are exactly the rows the outputs were computed on.
        calibration = torch.tensor(rounded(torch.randn(32, *shape).reshape(32, -1))).reshape(32, *shape)
        heldout = torch.tensor(rounded(torch.randn(64, *shape).reshape(64, -1))).reshape(64, *shape)
        for opset in opsets:
            folder = os.path.join(OUT, f"{name}_opset{opset}")
            os.makedirs(folder, exist_ok=True)
            torch.onnx.export(model, calibration[:1], os.path.join(folder, "network.onnx"), opset_version=opset,
                              input_names=["input"], output_names=["output"])
            with torch.no_grad():
                outputs = model(heldout)
            with open(os.path.join(folder, "calibration.json"), "w") as f:
                json.dump({"input_data": rounded(calibration.reshape(32, -1))}, f)
            with open(os.path.join(folder, "heldout.json"), "w") as f:
                json.dump({"input_data": rounded(heldout.reshape(64, -1)), "torch_output": rounded(outputs)}, f)
            print(f"{folder}: {sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    main()
