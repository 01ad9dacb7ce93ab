/**
 * One generate request as a stream of events: every image's Stage-I preview as soon as Stage-I has run, then each
 * Stage-II final as soon as it exists. All work goes through the model's micro-batchers, so concurrent requests
 * share forward passes; an aborted request stops submitting work and its queued jobs are dropped.
 */
import type { Stage1Output } from "./engine";
import { imageNoise, variationNoise } from "./noise";
import type { WarmModel } from "./registry";

export interface GenerationRequest {
  /** the sentence embedding of the prompt, [embDim] */
  embedding: Float32Array;
  count: number;
  seed: number;
  truncation: number;
  variation?: { of: number; strength: number };
  /** only Stage-I (64 px) even when the model has Stage-II (e.g. a fast "live" preview) */
  stage1Only?: boolean;
  signal?: AbortSignal;
}

export type GenerationEvent =
  | { type: "preview"; index: number; seed: number; rgb: Uint8Array; size: 64; ms: number }
  | { type: "final"; index: number; seed: number; rgb: Uint8Array; size: 64 | 256; ms: number };

export async function* generationStream(
  model: WarmModel,
  req: GenerationRequest,
): AsyncGenerator<GenerationEvent> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const { zDim, cDim, hasStage2 } = model.engine.info;
  const items = Array.from({ length: req.count }, (_, i) => {
    const seed = req.seed + i;
    const noise = req.variation
      ? variationNoise(req.variation.of, seed, req.variation.strength, zDim, cDim, req.truncation)
      : imageNoise(seed, zDim, cDim, req.truncation);
    return { seed, item: { emb: req.embedding, z: noise.z, eps: noise.eps } };
  });

  // Stage-I: the first image alone (fastest first picture), the rest together
  const first = await model.stage1.submit([items[0].item], req.signal);
  const rest =
    items.length > 1
      ? handled(
          model.stage1.submit(
            items.slice(1).map((x) => x.item),
            req.signal,
          ),
        )
      : null;
  const s1: Stage1Output[] = [...first];
  const withStage2 = hasStage2 && !req.stage1Only;
  yield { type: "preview", index: 0, seed: items[0].seed, rgb: first[0].rgb64, size: 64, ms: ms() };
  // start Stage-II of image 0 while the rest of Stage-I finishes
  const pending: Promise<Uint8Array[]>[] = [];
  if (withStage2) pending.push(handled(model.stage2.submit([first[0].next], req.signal)));
  if (rest) {
    const more = await rest;
    s1.push(...more);
    for (let i = 1; i < s1.length; i++)
      yield { type: "preview", index: i, seed: items[i].seed, rgb: s1[i].rgb64, size: 64, ms: ms() };
  }
  if (!withStage2) {
    for (let i = 0; i < s1.length; i++)
      yield { type: "final", index: i, seed: items[i].seed, rgb: s1[i].rgb64, size: 64, ms: ms() };
    return;
  }
  // queue every Stage-II job now (the batcher groups them); report each as soon as it is done, in order
  for (let i = 1; i < s1.length; i++) pending.push(handled(model.stage2.submit([s1[i].next], req.signal)));
  for (let i = 0; i < pending.length; i++) {
    const [rgb] = await pending[i];
    yield { type: "final", index: i, seed: items[i].seed, rgb, size: 256, ms: ms() };
  }
}

/**
 * Mark a promise as handled: when the consumer stops early (client gone), jobs still queued reject with AbortError
 * and nobody awaits them; that must not become an unhandled rejection. Awaiting the returned promise still throws.
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
