#!/usr/bin/env python3
"""Exports the CIFAR-shaped benchmark models of issue 10 (kept out of the repository: ~60 MB each).

  python3 bench/models/make_cifar_models.py <out-dir>   # writes <out-dir>/{vgg16_cifar,resnet18_cifar}/

Each folder gets network.onnx (opset 13, input [1,3,32,32]) and input.json (EZKL format, 4 rows of
uniform [0, 1) pixels, seeded). Weights are PyTorch's default initialisation (seeded); batch-norm
statistics are randomised so the folded affine is not the identity. Needs Debian's python3-torch and
python3-torchvision (apt-get install python3-torch python3-torchvision).
"""
import json, os, sys
import torch, torch.nn as nn, torchvision

VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]

def vgg16_cifar():
    layers, c = [], 3
    for v in VGG16:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            c = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512, 10))

def resnet18_cifar():
    m = torchvision.models.resnet18(num_classes=10)
    m.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
    m.maxpool = nn.Identity()
    return m

def randomise_bn(m, g):
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.copy_(torch.randn(mod.num_features, generator=g) * 0.1)
            mod.running_var.copy_(torch.rand(mod.num_features, generator=g) * 0.5 + 0.75)
            mod.weight.data.copy_(torch.rand(mod.num_features, generator=g) * 0.5 + 0.75)
            mod.bias.data.copy_(torch.randn(mod.num_features, generator=g) * 0.1)

def export(name, model, out):
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(2)
    randomise_bn(model, g)
    model.eval()
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    x = torch.rand(4, 3, 32, 32, generator=g)
    torch.onnx.export(model, x[:1], os.path.join(d, "network.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"])
    with open(os.path.join(d, "input.json"), "w") as f:
        json.dump({"input_data": [x[i].flatten().tolist() for i in range(x.shape[0])]}, f)
    print(f"{d}: {sum(p.numel() for p in model.parameters())} parameters")

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/models/out"
    torch.manual_seed(0)
    export("vgg16_cifar", vgg16_cifar(), out)
    torch.manual_seed(0)
    export("resnet18_cifar", resnet18_cifar(), out)
