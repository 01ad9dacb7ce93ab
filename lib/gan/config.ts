/**
 * GAN configuration: typed, serialisable data checked with zod, saved in every checkpoint.
 * `architectureKey` is what must match for a resume (training settings may change between runs).
 */
import { z } from "zod";

export const trainSettingsSchema = z.object({
  batchSize: z.number().int().positive(),
  lrG: z.number().positive(),
  lrD: z.number().positive(),
  beta1: z.number().min(0).max(1),
  beta2: z.number().min(0).max(1),
  /** halve both learning rates every this many steps (0 = never) */
  lrDecayEvery: z.number().int().nonnegative(),
  lrDecayFactor: z.number().positive().max(1),
  /** weight of the conditioning-augmentation KL term in the G loss (StackGAN: 2) */
  klWeight: z.number().nonnegative(),
  seed: z.number().int().nonnegative(),
  maxSteps: z.number().int().positive(),
  logEvery: z.number().int().positive(),
  sampleEvery: z.number().int().positive(),
  checkpointEvery: z.number().int().positive(),
  /**
   * Exponential moving average of the trained generator's weights (0 = off). Checkpoints, sample grids and
   * everything served from them use the average; training continues on the raw weights.
   */
  emaDecay: z.number().min(0).max(0.99999).default(0),
  /**
   * Stage-II only: weight of an L1 term asking the Stage-II generator to rebuild each real 256 px image from
   * its 4× average-pooled 64 px copy and the image's caption (0 = off). A super-resolution warm start: G2
   * learns to draw sharp 256 px detail from a 64 px layout in far fewer steps than the adversarial loss alone
   * teaches it, which is what makes Stage-II trainable on CPU; the adversarial loss on Stage-I's images stays.
   */
  reconWeight: z.number().min(0).default(0),
  /**
   * Stage-II only: weight of an L1 term between G2's 256 px image, average-pooled back to 64 px, and the Stage-I
   * image it was drawn from (0 = off). Keeps Stage-II to adding detail: without it the adversarial loss on
   * Stage-I's images, which the rebuild term never sees, redraws their content (faces lost their features).
   */
  layoutWeight: z.number().min(0).default(0),
  /**
   * Stage-I only: weight of an L1 term between G1's image and the real image of the caption it was drawn from,
   * both average-pooled by `contentPool` (0 = off). A pix2pix-style content signal: the adversarial loss alone
   * left even training captions unrecognisable after 24,000 steps (a tree as a green square, the flag of Japan as
   * red and green stripes), because the matching-aware discriminator only says whether a picture fits, not what
   * it should show. Pooled, it teaches layout and colour and leaves the detail to the adversarial loss.
   */
  contentWeight: z.number().min(0).default(0),
  /** average-pool window of the content term (1 = full 64 px, 2 = 32 px, 4 = 16 px) */
  contentPool: z.number().int().positive().default(2),
  /**
   * Stage-I only: every `anchorEvery`-th row of a batch (rows 0, n, 2n, …; 0 = off) is drawn with zero noise
   * (z = 0, ε = 0: the caption's conditioning mean) and pays `anchorWeight` · full-resolution L1 to the caption's
   * real image. A reconstruction anchor: the picture a caption gives at the centre of its noise must be its
   * picture, while the other rows keep only the adversarial loss (and the content term, when on), so seeds can
   * still vary around it. Plain L1 regression learnt in 1,000 steps shapes (cat ears, a car's outline) that the
   * GAN had not drawn after 35,000 (issue #9). The emoji Stage-I of emoji-256-v7 used every 2nd row, weight 50.
   */
  anchorEvery: z.number().int().min(0).default(0),
  anchorWeight: z.number().min(0).default(0),
  /**
   * Stage-I only, with anchors on: weight of an L1 between the anchor rows' image gradients (differences of
   * neighbouring pixels, across and down) and their real images' (0 = off). Plain L1 pays little for a missed
   * eye or whisker a few pixels wide, and less still when it sits a pixel off: the regression draws a cat's
   * head and ears but a blank face. The gradient term pays for every missing edge, wherever the flat colour
   * around it is right.
   */
  edgeWeight: z.number().min(0).default(0),
  /**
   * Weight of the adversarial part of the G loss (default 1). 0 turns the generator's training into plain
   * regression on the content and anchor terms, while D keeps training on its pictures (unless `freezeD`): a warm
   * start that learns each caption's shapes (the regression drew cat ears and car outlines in 1,000 steps) before
   * the adversarial loss is turned back on to make them sharp.
   */
  advWeight: z.number().min(0).default(1),
  /**
   * Freeze the discriminator: D is neither trained nor evaluated (its weights and Adam state wait unchanged in the
   * checkpoint). With `advWeight` 0 the step is then plain regression on the content and anchor terms: on the 2-core
   * machine the emoji Stage-I makes 165 such steps a minute against 72 when D keeps training. With `advWeight` > 0,
   * G fools the frozen D.
   */
  freezeD: z.boolean().default(false),
  /**
   * Share of rows (0..1) whose "wrong" caption, for the matching-aware discriminator, comes from one of the 16
   * classes nearest in meaning instead of any other class (lib/train/hard-negatives.ts): a random other class
   * mostly differs in colour, so D (and G) learn colour alone; near classes differ in shape. 0 = off.
   */
  hardWrong: z.number().min(0).max(1).default(0),
  /**
   * Differentiable augmentation of every image the discriminator sees, real and generated (lib/train/
   * diff-augment.ts): any of "color", "translation", "cutout"; empty = off. Keeps the discriminator from
   * memorising a small training set.
   */
  diffAugment: z.array(z.enum(["color", "translation", "cutout"])).default([]),
  /**
   * Weight of a mode-seeking term in the G loss (MSGAN, Mao et al. 2019; 0 = off). Batches then come in pairs
   * of rows with the same image and caption but different noise, and G is penalised by 1 / (d_image / d_z)
   * for each pair: the less its picture changes with z, the larger the penalty. Against mode collapse (every
   * seed of a caption giving the same picture). Needs an even batch (an even shard with data parallel).
   */
  modeSeekWeight: z.number().min(0).default(0),
});
export type TrainSettings = z.infer<typeof trainSettingsSchema>;

export const ganConfigSchema = z.object({
  preset: z.string().min(1),
  /** 1: train Stage-I (64 px); 2: train Stage-II (256 px) on a frozen Stage-I */
  stage: z.union([z.literal(1), z.literal(2)]),
  /** sentence-embedding size: taken from the dataset manifest (real encoder: 512) */
  embDim: z.number().int().positive(),
  zDim: z.number().int().positive(),
  /** conditioning-augmentation code size (StackGAN: 128) */
  cDim: z.number().int().positive(),
  g1: z.object({ ngf: z.number().int().min(2) }),
  d1: z.object({ ndf: z.number().int().positive() }),
  g2: z.object({
    ngf: z.number().int().min(4),
    resBlocks: z.number().int().nonnegative(),
    /**
     * Draw the 256 px image as a change to the Stage-I image (4× nearest upscale) instead of from scratch: the
     * output is tanh(atanh(upscaled) + G2's last layer), so G2 starts from the upscale and only learns detail.
     * Without it the 16×16 bottleneck must carry every pixel: a run without it stalled at an L1 rebuild error
     * of 0.21, where the plain upscale is at 0.033. Absent in configs saved before it existed = false.
     */
    skip: z.boolean().default(false),
  }),
  d2: z.object({ ndf: z.number().int().positive() }),
  train: trainSettingsSchema,
});
export type GanConfig = z.infer<typeof ganConfigSchema>;

const stackganTrain: TrainSettings = {
  batchSize: 64,
  lrG: 2e-4,
  lrD: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  lrDecayEvery: 20_000,
  lrDecayFactor: 0.5,
  klWeight: 2,
  seed: 1,
  maxSteps: 120_000,
  logEvery: 20,
  sampleEvery: 500,
  checkpointEvery: 500,
  // a window of about 1,000 steps: averaging a run's last checkpoints gave markedly better images (issue #9)
  emaDecay: 0.999,
  reconWeight: 0,
  layoutWeight: 0,
  contentWeight: 0,
  contentPool: 2,
  anchorEvery: 0,
  anchorWeight: 0,
  edgeWeight: 0,
  advWeight: 1,
  freezeD: false,
  hardWrong: 0,
  diffAugment: [],
  modeSeekWeight: 0,
};

export const PRESETS = {
  /** seconds on CPU: for tests */
  tiny: {
    preset: "tiny",
    stage: 1,
    embDim: 32,
    zDim: 16,
    cDim: 8,
    g1: { ngf: 8 },
    d1: { ndf: 8 },
    g2: { ngf: 8, resBlocks: 1, skip: true },
    d2: { ndf: 4 },
    train: {
      ...stackganTrain,
      batchSize: 16,
      // tiny learns in ~100 steps: a higher lr and a light KL term (the text must win over ε quickly)
      lrG: 2e-3,
      lrD: 2e-3,
      klWeight: 0.1,
      lrDecayEvery: 0,
      maxSteps: 300,
      logEvery: 10,
      sampleEvery: 100,
      checkpointEvery: 100,
      // a 300-step run is too short for an average to help; tests of the average switch it on
      emaDecay: 0,
    },
  },
  /** Stage-II of the tiny model (tests of the 256 px path) */
  "tiny-stage2": {
    preset: "tiny-stage2",
    stage: 2,
    embDim: 32,
    zDim: 16,
    cDim: 8,
    g1: { ngf: 8 },
    d1: { ndf: 8 },
    g2: { ngf: 8, resBlocks: 1, skip: true },
    d2: { ndf: 4 },
    train: { ...stackganTrain, batchSize: 2, maxSteps: 10, logEvery: 1, sampleEvery: 5, checkpointEvery: 5 },
  },
  "stage1-64": {
    preset: "stage1-64",
    stage: 1,
    embDim: 512,
    zDim: 100,
    cDim: 128,
    g1: { ngf: 64 },
    d1: { ndf: 64 },
    g2: { ngf: 32, resBlocks: 2, skip: true },
    d2: { ndf: 32 },
    train: stackganTrain,
  },
  "stage2-256": {
    preset: "stage2-256",
    stage: 2,
    embDim: 512,
    zDim: 100,
    cDim: 128,
    g1: { ngf: 64 },
    d1: { ndf: 64 },
    g2: { ngf: 32, resBlocks: 2, skip: true },
    // ndf 32 is a 17.2M-parameter discriminator (a 222 MB checkpoint, a slower step); 16 is what trains here
    d2: { ndf: 16 },
    // batch 16 needs more than the 4 GB a WebAssembly heap can hold (measured: batch 8 with ngf 16 peaks at
    // 1.6 GB); 8 fits
    train: { ...stackganTrain, batchSize: 8, reconWeight: 10 },
  },
  /** the benchmark architecture (STACK.md): ngf 64 → 4×4×512 start, ndf 64, batch 64 */
  "bench-stage1": {
    preset: "bench-stage1",
    stage: 1,
    embDim: 512,
    zDim: 100,
    cDim: 128,
    g1: { ngf: 64 },
    d1: { ndf: 64 },
    g2: { ngf: 32, resBlocks: 2, skip: true },
    d2: { ndf: 32 },
    train: stackganTrain,
  },
} as const satisfies Record<string, GanConfig>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A fresh, validated copy of a preset with optional overrides (e.g. embDim from the dataset). */
export function presetConfig(
  name: string,
  overrides: Partial<Omit<GanConfig, "train">> & { train?: Partial<TrainSettings> } = {},
): GanConfig {
  const base = (PRESETS as Record<string, GanConfig>)[name];
  if (!base) throw new Error(`Unknown preset "${name}". Use one of: ${PRESET_NAMES.join(", ")}.`);
  const merged = { ...structuredClone(base), ...overrides, train: { ...base.train, ...overrides.train } };
  return ganConfigSchema.parse(merged);
}

/**
 * `config` with some training settings changed (e.g. on resume), checked: unknown keys and values the schema refuses
 * throw an Error that names the valid keys or the broken rule.
 */
export function withTrainSettings(config: GanConfig, changes: Record<string, unknown>): GanConfig {
  const unknown = Object.keys(changes).filter((k) => !(k in trainSettingsSchema.shape));
  if (unknown.length)
    throw new Error(
      `Unknown training setting ${unknown.join(", ")}: use one of ${Object.keys(trainSettingsSchema.shape).join(", ")}.`,
    );
  const parsed = trainSettingsSchema.safeParse({ ...config.train, ...changes });
  if (!parsed.success)
    throw new Error(
      `Bad training setting: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`,
    );
  return { ...config, train: parsed.data };
}

/** The parts of a config that decide the shapes of the weights; a resume must match these exactly. */
export function architectureKey(c: GanConfig): string {
  const arch: Record<string, unknown> = {
    stage: c.stage,
    embDim: c.embDim,
    zDim: c.zDim,
    cDim: c.cDim,
    g1: c.g1,
  };
  if (c.stage === 1) arch.d1 = c.d1;
  else Object.assign(arch, { g2: c.g2, d2: c.d2 });
  return JSON.stringify(arch);
}

/** Human-readable list of architecture differences, empty when compatible. */
export function architectureDiff(a: GanConfig, b: GanConfig): string[] {
  const ka = JSON.parse(architectureKey(a)) as Record<string, unknown>;
  const kb = JSON.parse(architectureKey(b)) as Record<string, unknown>;
  const keys = new Set([...Object.keys(ka), ...Object.keys(kb)]);
  return [...keys]
    .filter((k) => JSON.stringify(ka[k]) !== JSON.stringify(kb[k]))
    .map((k) => `${k}: ${JSON.stringify(ka[k])} vs ${JSON.stringify(kb[k])}`);
}
