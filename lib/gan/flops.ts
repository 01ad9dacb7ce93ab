/**
 * Analytic FLOP counts (multiply + add = 2) of the convolutions and dense layers, per image.
 * Elementwise ops (BN, activations) are ignored, as is usual for GFLOP/s figures.
 */
import type { GanConfig } from "./config";

const conv = (outHW: number, k: number, inC: number, outC: number) => 2 * outHW * outHW * k * k * inC * outC;

export function stage1GeneratorFlops(c: GanConfig): number {
  const { ngf } = c.g1;
  let f = 2 * c.embDim * 2 * c.cDim + 2 * (c.zDim + c.cDim) * 16 * ngf * 8;
  const widths = [ngf * 8, ngf * 4, ngf * 2, ngf, Math.floor(ngf / 2)];
  for (let i = 1; i < 5; i++) f += conv(4 << i, 3, widths[i - 1], widths[i]);
  return f + conv(64, 3, widths[4], 3);
}

function headFlops(codeC: number, cDim: number): number {
  return conv(4, 1, codeC + cDim, codeC) + 2 * conv(1, 4, codeC, 1);
}

export function stage1DiscriminatorFlops(c: GanConfig): number {
  const { ndf } = c.d1;
  const widths = [3, ndf, ndf * 2, ndf * 4, ndf * 8];
  let f = 0;
  for (let i = 1; i < 5; i++) f += conv(64 >> i, 4, widths[i - 1], widths[i]);
  return f + headFlops(ndf * 8, c.cDim);
}

export function stage2GeneratorFlops(c: GanConfig): number {
  const { ngf, resBlocks } = c.g2;
  let f =
    2 * c.embDim * 2 * c.cDim +
    conv(64, 3, 3, ngf) +
    conv(32, 4, ngf, ngf * 2) +
    conv(16, 4, ngf * 2, ngf * 4);
  f += conv(16, 3, ngf * 4 + c.cDim, ngf * 4) + resBlocks * 2 * conv(16, 3, ngf * 4, ngf * 4);
  const widths = [ngf * 4, ngf * 2, ngf, Math.floor(ngf / 2), Math.floor(ngf / 4)];
  for (let i = 1; i < 5; i++) f += conv(16 << i, 3, widths[i - 1], widths[i]);
  return f + conv(256, 3, widths[4], 3);
}

export function stage2DiscriminatorFlops(c: GanConfig): number {
  const { ndf } = c.d2;
  const widths = [3, ndf, ndf * 2, ndf * 4, ndf * 8, ndf * 16, ndf * 32];
  let f = 0;
  for (let i = 1; i < 7; i++) f += conv(256 >> i, 4, widths[i - 1], widths[i]);
  f += conv(4, 3, ndf * 32, ndf * 16) + conv(4, 3, ndf * 16, ndf * 8);
  return f + headFlops(ndf * 8, c.cDim);
}

/**
 * FLOPs of one training step (D step + G step) for a batch, counting backward as 2× forward:
 * D step = G fwd + D on real and on fake (fwd + bwd); G step = G fwd + bwd + D fwd + input-gradient.
 * For stage 2 the frozen Stage-I forward is added to both steps.
 */
export function trainStepFlops(c: GanConfig, batchSize = c.train.batchSize): number {
  const g = c.stage === 1 ? stage1GeneratorFlops(c) : stage2GeneratorFlops(c);
  const d = c.stage === 1 ? stage1DiscriminatorFlops(c) : stage2DiscriminatorFlops(c);
  const frozen = c.stage === 2 ? 2 * stage1GeneratorFlops(c) : 0;
  return batchSize * (4 * g + 8 * d + frozen);
}
