import "server-only";
import { randomInt } from "node:crypto";
import { config } from "../config";
import type { GenerateEvent } from "../generate-events";
import { formatParameters, generationStream, type Recipe, renderPng, type WarmModel } from "../serve";
import type { TextEncoder } from "../text";
import type { Viewer } from "./auth/session";
import { createImage, pruneHistory } from "./dal/images";
import type { GenerateRequestBody } from "./generate-request";

/**
 * Runs one generate request for a viewer and yields the client-facing events. Signed-in viewers' finals are stored
 * in their history (not for live previews); everyone else gets data URLs. Stops as soon as `signal` aborts.
 */
export async function* generateForViewer(
  viewer: Viewer | null,
  body: GenerateRequestBody,
  model: WarmModel,
  encoder: TextEncoder,
  signal: AbortSignal,
): AsyncGenerator<GenerateEvent> {
  const t0 = performance.now();
  const seed = body.seed ?? randomInt(0, 1_000_000_000);
  const store = !!viewer && !body.live;
  const info = model.engine.info;
  yield {
    type: "start",
    prompt: body.prompt,
    count: body.count,
    seed,
    truncation: body.truncation,
    modelVersion: model.version.name,
    hasStage2: info.hasStage2,
    stored: store,
  };
  const embedding = await encoder.embed(body.prompt);
  const stream = generationStream(model, {
    embedding,
    count: body.count,
    seed,
    truncation: body.truncation,
    variation: body.variation,
    stage1Only: body.live && body.count > 4,
    signal,
  });
  for await (const ev of stream) {
    if (signal.aborted) return;
    if (ev.type === "preview") {
      const png = await renderPng(ev.rgb, 64, null);
      yield { type: "preview", index: ev.index, seed: ev.seed, image: dataUrl(png), ms: ev.ms };
      continue;
    }
    const recipe: Recipe = {
      prompt: body.prompt,
      seed: ev.seed,
      modelVersion: model.version.name,
      width: ev.size,
      height: ev.size,
      truncation: body.truncation,
      textEncoder: encoder.id,
      generator: "ganvas",
      createdAt: new Date().toISOString(),
      ...(body.variation ? { variation: body.variation } : {}),
    };
    const png = await renderPng(ev.rgb, ev.size, recipe);
    let image = dataUrl(png);
    let imageId: string | undefined;
    if (store && viewer) {
      const saved = await createImage(viewer, {
        prompt: body.prompt,
        seed: ev.seed,
        modelVersionId: model.version.id,
        modelVersionName: model.version.name,
        params: { truncation: body.truncation, ...(body.variation ? { variation: body.variation } : {}) },
        png,
        width: ev.size,
        height: ev.size,
        visibility: config().defaultVisibility,
        saved: false,
      });
      imageId = saved.id;
      image = `/api/images/${saved.id}/png`;
    }
    yield {
      type: "final",
      index: ev.index,
      seed: ev.seed,
      image,
      imageId,
      width: ev.size,
      height: ev.size,
      parameters: formatParameters(recipe),
      ms: ev.ms,
    };
  }
  if (store && viewer) await pruneHistory(viewer);
  yield { type: "done", ms: Math.round(performance.now() - t0) };
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;
