import * as tf from "@tensorflow/tfjs";
import { loadDataset } from "@/lib/data";
import { GanModel, presetConfig } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { Adam, Batcher, disposeInputs, dStep, gStep, stepInputs } from "@/lib/train";

await initBackend({ force: (process.env.B as any) ?? "wasm" });
const ds = await loadDataset("/tmp/gsmoke/ds2");
const c = presetConfig(process.env.P ?? "tiny", { embDim: 32 });
const m = new GanModel(c, { seed: 1, withDiscriminator: true });
const og = new Adam(m.trainedG.trainable, 1e-3),
  od = new Adam(m.stores.d!.trainable, 1e-3);
const b = new Batcher(ds, {
  batchSize: c.train.batchSize,
  imageSize: 64,
  seed: 1,
  zDim: c.zDim,
  cDim: c.cDim,
});
for (let s = 0; s < 6; s++) {
  const t0 = performance.now();
  const x = stepInputs(b.batch(s), 32, c.zDim, c.cDim);
  const t1 = performance.now();
  dStep(m, od, x);
  const t2 = performance.now();
  gStep(m, og, x);
  const t3 = performance.now();
  disposeInputs(x);
  console.log(
    `batch ${(t1 - t0).toFixed(1)} d ${(t2 - t1).toFixed(1)} g ${(t3 - t2).toFixed(1)} tensors ${tf.memory().numTensors}`,
  );
}
const x = stepInputs(b.batch(9), 32, c.zDim, c.cDim);
const prof = await tf.profile(() => {
  dStep(m, od, x);
  gStep(m, og, x);
});
const agg = new Map<string, [number, number]>();
for (const k of prof.kernels) {
  const a = agg.get(k.name) ?? [0, 0];
  a[0] += k.kernelTimeMs as number;
  a[1]++;
  agg.set(k.name, a);
}
console.log(
  [...agg]
    .sort((a, b) => b[1][0] - a[1][0])
    .slice(0, 25)
    .map(([n, [t, c]]) => `${n} ${t.toFixed(1)}ms x${c}`)
    .join("\n"),
);
