/**
 * Classes nearest in meaning: the cosine similarity of the classes' mean caption embeddings. Training draws hard
 * "wrong" captions from them (lib/train/hard-negatives.ts); evaluation ranks a picture's caption against theirs
 * (R-precision against near classes, lib/eval/split-plan.ts).
 */
import type { LoadedDataset } from "./dataset-format";

/**
 * For each class among `records` (record indices), its `k` nearest other classes by the cosine similarity of the
 * classes' mean caption embeddings, nearest first, as lists of record indices (one list per neighbour class).
 */
export function nearestClassRecords(
  ds: LoadedDataset,
  records: readonly number[],
  k: number,
): Map<string, number[][]> {
  const emb = ds.embeddings;
  const d = ds.manifest.textEncoder?.dim ?? 0;
  if (!emb || d === 0) throw new Error(`Dataset ${ds.dir} has no caption embeddings.`);
  const byClass = new Map<string, number[]>();
  for (const i of records) {
    const c = ds.records[i].class;
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  }
  const classes = [...byClass.keys()];
  const means = classes.map((c) => {
    const m = new Float64Array(d);
    for (const i of byClass.get(c) as number[]) {
      const r = ds.records[i];
      for (let j = 0; j < r.captions.length; j++) {
        const off = (r.embeddingOffset + j) * d;
        for (let t = 0; t < d; t++) m[t] += emb[off + t];
      }
    }
    let norm = 0;
    for (let t = 0; t < d; t++) norm += m[t] * m[t];
    norm = Math.sqrt(norm) || 1;
    return Float32Array.from(m, (v) => v / norm);
  });
  // cosine similarities, each pair computed once
  const n = classes.length;
  const sims = new Float32Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += means[a][t] * means[b][t];
      sims[a * n + b] = s;
      sims[b * n + a] = s;
    }
  const out = new Map<string, number[][]>();
  classes.forEach((c, a) => {
    const order = Array.from(classes.keys())
      .filter((b) => b !== a)
      .sort((p, q) => sims[a * n + q] - sims[a * n + p] || (classes[p] < classes[q] ? -1 : 1))
      .slice(0, k);
    out.set(
      c,
      order.map((b) => byClass.get(classes[b]) as number[]),
    );
  });
  return out;
}
