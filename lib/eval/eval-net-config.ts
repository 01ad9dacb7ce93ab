/**
 * Configuration of the evaluation networks (typed, serialisable, saved in every eval-net folder).
 * Presets: "emoji" (the built-in set; minutes on one CPU core) and "tiny" (tests).
 */
import { z } from "zod";

export const evalNetConfigSchema = z.object({
  preset: z.string(),
  /** input images are the dataset's 64 px ones, [-1, 1] */
  imageSize: z.literal(64),
  /** output channels of the stride-2 convolutions (64 → 32 → 16 → 8 → 4 px) */
  channels: z.array(z.number().int().positive()).min(1).max(5),
  kernel: z.number().int().min(1).max(5),
  /** shared image/text embedding size (the R-precision space) */
  embDim: z.number().int().positive(),
  /** sentence-embedding size of the dataset's text encoder */
  textDim: z.number().int().positive(),
  /** DAMSM γ₃: inverse temperature of the sentence matching softmax (AttnGAN uses 10) */
  gamma: z.number().positive(),
  /** weight of the class cross-entropy beside the matching loss */
  classWeight: z.number().nonnegative(),
  train: z.object({
    epochs: z.number().positive(),
    batchSize: z.number().int().min(2),
    lr: z.number().positive(),
    /** random translation of training images by up to this many pixels (edge pixels repeated) */
    shift: z.number().int().nonnegative(),
    seed: z.number().int(),
  }),
});
export type EvalNetConfig = z.infer<typeof evalNetConfigSchema>;

const EMOJI: EvalNetConfig = {
  preset: "emoji",
  imageSize: 64,
  // 16–128 channels: the wasm backend's conv gradients are slow scalar loops, and 32–256 made a step 2.5× dearer
  channels: [16, 32, 64, 128],
  kernel: 3,
  embDim: 128,
  textDim: 512,
  gamma: 10,
  classWeight: 1,
  train: { epochs: 20, batchSize: 64, lr: 1e-3, shift: 4, seed: 0 },
};

export const EVAL_NET_PRESETS: Record<string, EvalNetConfig> = {
  emoji: EMOJI,
  tiny: {
    ...EMOJI,
    preset: "tiny",
    channels: [8, 16, 32],
    embDim: 32,
    textDim: 32,
    train: { epochs: 6, batchSize: 32, lr: 3e-3, shift: 0, seed: 0 },
  },
};

/** The named preset with the dataset's text dimension and any overrides applied. */
export function evalNetConfig(
  preset: string,
  overrides: Partial<Omit<EvalNetConfig, "train">> & { train?: Partial<EvalNetConfig["train"]> } = {},
): EvalNetConfig {
  const base = EVAL_NET_PRESETS[preset];
  if (!base)
    throw new Error(
      `Unknown eval-net preset "${preset}": use one of ${Object.keys(EVAL_NET_PRESETS).join(", ")}`,
    );
  return evalNetConfigSchema.parse({ ...base, ...overrides, train: { ...base.train, ...overrides.train } });
}
