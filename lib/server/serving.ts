import "server-only";
import path from "node:path";
import { config } from "../config";
import { AppError } from "../errors";
import { type WarmModel, warmModel } from "../serve";
import { createTextEncoder, type TextEncoder } from "../text";
import { activeModelVersion } from "./dal/model-versions";

const g = globalThis as unknown as { ganvasTextEncoder?: Promise<TextEncoder> };

/** The app's text encoder (loaded once, kept warm; prompts cached in memory, captions on disk). */
export function textEncoder(): Promise<TextEncoder> {
  if (!g.ganvasTextEncoder) {
    const cfg = config();
    g.ganvasTextEncoder = createTextEncoder({
      modelId: cfg.textEncoder,
      modelsDir: cfg.modelsDir,
      cacheDir: path.join(cfg.dataDir, "cache", "text"),
      allowRemote: cfg.allowRemoteModels,
    });
    g.ganvasTextEncoder.catch(() => {
      g.ganvasTextEncoder = undefined;
    });
  }
  return g.ganvasTextEncoder;
}

/**
 * The active model version, warm, with the text encoder it was trained with.
 * Refuses (503) when no version is installed and (409) when the encoders differ.
 */
export async function servingModel(): Promise<{ model: WarmModel; encoder: TextEncoder }> {
  const version = await activeModelVersion();
  if (!version)
    throw new AppError(
      "UNAVAILABLE",
      "No model version is active yet. An administrator can train one and promote it in Admin → Training.",
    );
  const [model, encoder] = await Promise.all([warmModel(version), textEncoder()]);
  const trainedWith = model.engine.info.textEncoderId;
  if (trainedWith !== encoder.id)
    throw new AppError(
      "CONFLICT",
      `Model version "${version.name}" was trained with the text encoder "${trainedWith}", but this server uses ` +
        `"${encoder.id}" (GANVAS_TEXT_ENCODER). Set GANVAS_TEXT_ENCODER=${trainedWith} or activate a model trained with "${encoder.id}".`,
    );
  return { model, encoder };
}
