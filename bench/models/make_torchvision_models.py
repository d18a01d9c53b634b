#!/usr/bin/env python3
"""Exports torchvision's mobile architectures at a CIFAR-sized input (issue 11; kept out of the
repository: 1–16 MB each).

  /usr/bin/python3 bench/models/make_torchvision_models.py <out-dir>
  # writes <out-dir>/{mobilenet_v2,shufflenet_v2_x0_5,squeezenet1_1,efficientnet_b0}/

Each folder gets network.onnx (opset 13, input [1,3,32,32], 10 classes) and input.json (EZKL
format, 4 rows of standard-normal pixels, seeded). Weights are torchvision's default initialisation
(seeded, untrained): enough to check that the graphs compile, prove and verify and to measure the
cost; not enough to measure argmax agreement (untrained outputs are nearly constant). Needs Debian's
python3-torch and python3-torchvision. Then, per folder:

  zkml compile <dir>/network.onnx --calibration <dir>/input.json -o <dir>/out && zkml commit <dir>/out
  zkml prove <dir>/out --input <one-row input.json> -o <dir>/p.zkp && zkml verify --circuit … --commitment … <dir>/p.zkp
"""
import json
import os
import sys

import torch
import torchvision

MODELS = {
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(num_classes=10),
    "shufflenet_v2_x0_5": lambda: torchvision.models.shufflenet_v2_x0_5(num_classes=10),
    "squeezenet1_1": lambda: torchvision.models.squeezenet1_1(num_classes=10),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(num_classes=10),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/models/out"
    for name, factory in MODELS.items():
        torch.manual_seed(0)
        model = factory().eval()
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        x = torch.randn(1, 3, 32, 32)
        torch.onnx.export(model, x, os.path.join(folder, "network.onnx"), opset_version=13,
                          input_names=["input"], output_names=["output"])
        rows = [[round(float(v), 4) for v in torch.randn(3 * 32 * 32)] for _ in range(4)]
        with open(os.path.join(folder, "input.json"), "w") as f:
            json.dump({"input_data": rows}, f)
        print(f"{folder}: {sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    main()
