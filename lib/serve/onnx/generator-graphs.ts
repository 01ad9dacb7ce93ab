/**
 * Stage-I and Stage-II generators of a GanModel as ONNX graphs (inference mode: running BN statistics, folded).
 * Inputs and outputs are channels-last like the tfjs model; inside the graph everything is NCHW (ORT's fast
 * conv layout), with one transpose at each end. The batch dimension is dynamic ("N").
 *   stage1.onnx: z [N, zDim], emb [N, embDim], eps [N, cDim] → image64 [N, 64, 64, 3] in [-1, 1]
 *   stage2.onnx: image64 [N, 64, 64, 3], emb [N, embDim], eps [N, cDim] → image256 [N, 256, 256, 3]
 */
import { SKIP_CLIP, type Stage1Generator, type Stage2Generator } from "../../gan";
import { GraphBuilder } from "./graph-builder";
import { STAGE1_IO, STAGE2_IO } from "./io-names";
import {
  bnAffine,
  emitCondAugment,
  emitConv,
  emitNearestUpscale,
  emitUpBlock,
  type UpsampleMode,
  values,
} from "./layer-emitters";

export interface GraphOptions {
  /** how nearest-2× + conv is written (default "subpixel": exact, ~2.25× fewer multiply-adds) */
  upsample?: UpsampleMode;
}

export function stage1Graph(g1: Stage1Generator, opts: GraphOptions = {}): Uint8Array {
  const { zDim, cDim, embDim } = g1.config;
  const mode = opts.upsample ?? "subpixel";
  const g = new GraphBuilder();
  const c = emitCondAugment(g, "g1.ca", "emb", "eps", g1.ca); // [N, cDim]
  const zc = g.op("Concat", ["z", c], { axis: 1 }); // [N, zDim + cDim]

  // fc → reshape [4, 4, base] (channels-last in tfjs) → BN → ReLU. Columns are reordered to [base, 4, 4] so the
  // reshape gives NCHW directly, and the BN of each channel is folded into its 16 columns.
  const base = g1.base;
  const [inDim, outDim] = g1.fc.w.shape;
  const w = values(g1.fc.w);
  const { scale, shift } = bnAffine(g1.fcBn);
  const wOut = new Float32Array(inDim * outDim);
  const bOut = new Float32Array(outDim);
  for (let ch = 0; ch < base; ch++)
    for (let p = 0; p < 16; p++) {
      const src = p * base + ch; // tfjs column: (h·4 + w)·base + ch
      const dst = ch * 16 + p; // NCHW column: ch·16 + h·4 + w
      bOut[dst] = shift[ch];
      for (let r = 0; r < inDim; r++) wOut[r * outDim + dst] = w[r * outDim + src] * scale[ch];
    }
  const fc = g.op("Gemm", [
    zc,
    g.float("g1.fc.w", wOut, [inDim, outDim]),
    g.float("g1.fc.b", bOut, [outDim]),
  ]);
  const shape = g.int64("g1.fc.shape", [-1, base, 4, 4]);
  let h = { out: g.op("Reshape", [g.op("Relu", [fc]), shape]), size: 4 }; // [N, 8ngf, 4, 4]
  g1.ups.forEach((up, i) => {
    h = emitUpBlock(g, `g1.up${i}`, h.out, up, h.size, mode);
  }); // [N, ngf/2, 64, 64]
  const rgb = g.op("Tanh", [emitConv(g, "g1.out", h.out, g1.out, null, h.size).out]);
  g.op("Transpose", [rgb], { perm: [0, 2, 3, 1] }, STAGE1_IO.output);
  return g.build(
    "ganvas_stage1",
    [
      { name: "z", dims: ["N", zDim] },
      { name: "emb", dims: ["N", embDim] },
      { name: "eps", dims: ["N", cDim] },
    ],
    [{ name: STAGE1_IO.output, dims: ["N", 64, 64, 3] }],
    `Ganvas Stage-I generator (${g1.config.preset}), batch norm folded, upsample=${mode}`,
  );
}

export function stage2Graph(g2: Stage2Generator, opts: GraphOptions = {}): Uint8Array {
  const { cDim, embDim } = g2.config;
  const mode = opts.upsample ?? "subpixel";
  const g = new GraphBuilder();
  const c = emitCondAugment(g, "g2.ca", "emb", "eps", g2.ca); // [N, cDim]
  const x = g.op("Transpose", ["image64"], { perm: [0, 3, 1, 2] }); // [N, 3, 64, 64]
  const relu = (r: { out: string; size: number }) => ({ out: g.op("Relu", [r.out]), size: r.size });

  let h = relu(emitConv(g, "g2.in", x, g2.inConv, null, 64));
  h = relu(emitConv(g, "g2.down1", h.out, g2.down1, g2.down1Bn, h.size));
  h = relu(emitConv(g, "g2.down2", h.out, g2.down2, g2.down2Bn, h.size)); // [N, 4ngf, 16, 16]

  // c replicated over the 16×16 grid and joined after the image channels (as tfjs concat on the last axis)
  const c4 = g.op("Reshape", [c, g.int64("g2.c.shape", [-1, cDim, 1, 1])]);
  const grid = g.op("Expand", [c4, g.int64("g2.c.grid", [1, 1, h.size, h.size])]); // [N, cDim, 16, 16]
  const joined = g.op("Concat", [h.out, grid], { axis: 1 });
  h = relu(emitConv(g, "g2.joint", joined, g2.joint, g2.jointBn, h.size));

  g2.res.forEach((r, i) => {
    const t = relu(emitConv(g, `g2.res${i}.conv1`, h.out, r.conv1, r.bn1, h.size));
    const u = emitConv(g, `g2.res${i}.conv2`, t.out, r.conv2, r.bn2, t.size);
    h = { out: g.op("Relu", [g.op("Add", [h.out, u.out])]), size: h.size };
  });
  g2.ups.forEach((up, i) => {
    h = emitUpBlock(g, `g2.up${i}`, h.out, up, h.size, mode);
  }); // [N, ngf/4, 256, 256]
  let pre = emitConv(g, "g2.out", h.out, g2.out, null, h.size).out;
  if (g2.config.g2.skip) {
    // + atanh(clip(nearest 4× of the Stage-I image)), as skipBase
    const big = emitNearestUpscale(g, "g2.skip", x, 4);
    const lo = g.float("g2.skip.lo", Float32Array.from([-SKIP_CLIP]), []);
    const hi = g.float("g2.skip.hi", Float32Array.from([SKIP_CLIP]), []);
    pre = g.op("Add", [g.op("Atanh", [g.op("Clip", [big, lo, hi])]), pre]);
  }
  const rgb = g.op("Tanh", [pre]);
  g.op("Transpose", [rgb], { perm: [0, 2, 3, 1] }, STAGE2_IO.output);
  return g.build(
    "ganvas_stage2",
    [
      { name: "image64", dims: ["N", 64, 64, 3] },
      { name: "emb", dims: ["N", embDim] },
      { name: "eps", dims: ["N", cDim] },
    ],
    [{ name: STAGE2_IO.output, dims: ["N", 256, 256, 3] }],
    `Ganvas Stage-II generator (${g2.config.preset}), batch norm folded, upsample=${mode}`,
  );
}
