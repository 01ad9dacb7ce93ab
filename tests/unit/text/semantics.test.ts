// The embeddings mean something: for each (anchor, near, far) triple from a different domain, the anchor's
// cosine similarity to the paraphrase-like text beats its similarity to an unrelated one.
import { beforeAll, describe, expect, it } from "vitest";
import { createTextEncoder, type TextEncoder } from "@/lib/text";

const TRIPLES: [anchor: string, near: string, far: string][] = [
  ["a small red bird with black wings", "a red bird", "a yellow flower with many petals"],
  ["a yellow flower with many petals", "a flower with yellow petals", "a small red bird with black wings"],
  ["a bowl of hot soup with noodles", "noodle soup", "a car parked on a street"],
  ["a smiling face with sunglasses", "a happy face wearing sunglasses", "a train on a bridge"],
  ["a red sports car on the highway", "a fast car driving on a road", "a cup of green tea"],
  ["a snowy mountain under a blue sky", "mountains covered in snow", "a plate of spaghetti"],
  ["a cat sleeping on a sofa", "a kitten asleep on the couch", "a rocket launching into space"],
];

describe("USE-Lite embeddings", () => {
  let enc: TextEncoder;
  beforeAll(async () => {
    enc = await createTextEncoder();
  });
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

  it.each(TRIPLES)("%s is closer to %s than to %s", async (anchor, near, far) => {
    const [a, n, f] = await Promise.all([enc.embed(anchor), enc.embed(near), enc.embed(far)]);
    expect(cos(a, n)).toBeGreaterThan(cos(a, f) + 0.02);
  });

  it("retrieves each text's own paraphrase from a batch (R@1 over all triples)", async () => {
    const anchors = await enc.embedBatch(TRIPLES.map((t) => t[0]));
    const nears = await enc.embedBatch(TRIPLES.map((t) => t[1]));
    const d = enc.dim;
    let correct = 0;
    for (let i = 0; i < TRIPLES.length; i++) {
      const a = anchors.subarray(i * d, (i + 1) * d);
      const sims = TRIPLES.map((_, j) => cos(a, nears.subarray(j * d, (j + 1) * d)));
      if (sims.indexOf(Math.max(...sims)) === i) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(TRIPLES.length - 1);
  });
});
