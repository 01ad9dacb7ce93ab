/** The TensorFlow.js fallback engine: runs the checkpoint's generators directly (wasm or cpu backend). */
import * as tf from "@tensorflow/tfjs";
import { type LoadedCheckpoint, loadCheckpoint } from "../gan";
import { initBackend } from "../tensor";
import {
  concatRows,
  type GeneratorEngine,
  type Stage1Item,
  type Stage1Output,
  type Stage2Input,
  toRgb8,
} from "./engine";

const PX64 = 64 * 64 * 3;

/** per-item vectors of length `width` → one [n, width] tensor */
const matrix = (rows: Float32Array[], width: number) =>
  tf.tensor2d(concatRows(rows, width), [rows.length, width]);

export async function loadTfjsEngine(checkpointDir: string): Promise<GeneratorEngine> {
  await initBackend();
  const ckpt: LoadedCheckpoint = await loadCheckpoint(checkpointDir);
  const { model, state } = ckpt;
  const { embDim, zDim, cDim } = model.config;
  return {
    info: { kind: "tfjs", embDim, zDim, cDim, hasStage2: !!model.g2, textEncoderId: state.textEncoderId },

    async stage1(items: Stage1Item[]): Promise<Stage1Output[]> {
      const img = tf.tidy(() => {
        const out = model.g1.apply(
          matrix(
            items.map((i) => i.z),
            zDim,
          ),
          matrix(
            items.map((i) => i.emb),
            embDim,
          ),
          matrix(
            items.map((i) => i.eps),
            cDim,
          ),
          { training: false },
        );
        return out.image; // [n,64,64,3] in [-1,1]
      });
      const data = (await img.data()) as Float32Array;
      img.dispose();
      return items.map((it, i) => {
        const image64 = data.slice(i * PX64, (i + 1) * PX64);
        return { rgb64: toRgb8(image64), next: { image64, emb: it.emb, eps: it.eps } };
      });
    },

    async stage2(items: Stage2Input[]): Promise<Uint8Array[]> {
      const g2 = model.g2;
      if (!g2) throw new Error("This model version has no Stage-II generator.");
      const n = items.length;
      const img = tf.tidy(
        () =>
          g2.apply(
            tf.tensor4d(
              concatRows(
                items.map((i) => i.image64),
                PX64,
              ),
              [n, 64, 64, 3],
            ),
            matrix(
              items.map((i) => i.emb),
              embDim,
            ),
            matrix(
              items.map((i) => i.eps),
              cDim,
            ),
            { training: false },
          ).image,
      );
      const data = (await img.data()) as Float32Array;
      img.dispose();
      const px = 256 * 256 * 3;
      return items.map((_, i) => toRgb8(data.subarray(i * px, (i + 1) * px)));
    },

    async dispose() {
      model.dispose();
    },
  };
}
