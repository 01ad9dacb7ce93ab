"""PyTorch reference of the bench-stage1 training step (same architecture and step as lib/gan + lib/train).
Prints one JSON line: {"torchMsPerStep": ..., "threads": ...}. Usage: python3 torch_stage1.py BATCH STEPS THREADS"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

B, STEPS, THREADS = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(THREADS)
torch.manual_seed(1)
EMB, Z, C, NGF, NDF = 512, 100, 128, 64, 64


class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu, self.logvar = nn.Linear(EMB, C), nn.Linear(EMB, C)
        self.fc = nn.Linear(Z + C, 16 * NGF * 8, bias=False)
        self.fc_bn = nn.BatchNorm2d(NGF * 8)
        w = [NGF * 8, NGF * 4, NGF * 2, NGF, NGF // 2]
        self.ups = nn.ModuleList(
            nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(w[i], w[i + 1], 3, 1, 1, bias=False),
                          nn.BatchNorm2d(w[i + 1]), nn.ReLU(True)) for i in range(4))
        self.out = nn.Conv2d(w[4], 3, 3, 1, 1, bias=False)

    def forward(self, z, e, eps):
        mu, logvar = self.mu(e), self.logvar(e)
        c = mu + torch.exp(0.5 * logvar) * eps
        h = F.relu(self.fc_bn(self.fc(torch.cat([z, c], 1)).view(-1, NGF * 8, 4, 4)))
        for u in self.ups:
            h = u(h)
        return torch.tanh(self.out(h)), mu, logvar


class D(nn.Module):
    def __init__(self):
        super().__init__()
        w = [3, NDF, NDF * 2, NDF * 4, NDF * 8]
        layers = []
        for i in range(4):
            layers.append(nn.Conv2d(w[i], w[i + 1], 4, 2, 1, bias=False))
            if i > 0:
                layers.append(nn.BatchNorm2d(w[i + 1]))
            layers.append(nn.LeakyReLU(0.2, True))
        self.enc = nn.Sequential(*layers)
        self.joint = nn.Sequential(nn.Conv2d(NDF * 8 + C, NDF * 8, 1, bias=False), nn.BatchNorm2d(NDF * 8), nn.LeakyReLU(0.2, True))
        self.cond_out, self.uncond_out = nn.Conv2d(NDF * 8, 1, 4, 4), nn.Conv2d(NDF * 8, 1, 4, 4)

    def cond(self, code, c):
        return self.cond_out(self.joint(torch.cat([code, c.view(-1, C, 1, 1).expand(-1, C, 4, 4)], 1))).view(-1)

    def uncond(self, code):
        return self.uncond_out(code).view(-1)


g, d = G(), D()
og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
ones, zeros = torch.ones(B), torch.zeros(B)
real, right, wrong = torch.rand(B, 3, 64, 64) * 2 - 1, torch.randn(B, EMB), torch.randn(B, EMB)


def step():
    z, eps = torch.randn(B, Z), torch.randn(B, C)
    with torch.no_grad():
        fake, mu, _ = g(z, right, eps)
        mu_wrong = g.mu(wrong)
    od.zero_grad()
    rc, fc = d.enc(real), d.enc(fake)
    l_real = (bce(d.cond(rc, mu), ones) + bce(d.uncond(rc), ones)) / 2
    l_fake = (bce(d.cond(fc, mu), zeros) + bce(d.uncond(fc), zeros)) / 2
    l_wrong = bce(d.cond(rc, mu_wrong), zeros)
    (l_real + 0.5 * (l_fake + l_wrong)).backward()
    od.step()
    og.zero_grad()
    fake, mu, logvar = g(z, right, eps)
    code = d.enc(fake)
    adv = (bce(d.cond(code, mu.detach()), ones) + bce(d.uncond(code), ones)) / 2
    kl = torch.mean(-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()))
    (adv + 2 * kl).backward()
    og.step()


step()
t = time.perf_counter()
for _ in range(STEPS):
    step()
print(json.dumps({"torchMsPerStep": (time.perf_counter() - t) / STEPS * 1000, "threads": THREADS}))
