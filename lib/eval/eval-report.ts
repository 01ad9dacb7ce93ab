/** The JSON report of `npm run eval` and its Markdown rendering. */
import type { ConditionMetrics, SplitMetrics } from "./evaluate-split";
import { NEAR_CLASSES } from "./split-plan";
import type { MeanSd, RunSummary } from "./summarise-runs";

export interface EvalReport {
  createdAt: string;
  model: {
    kind: "model-version" | "checkpoint";
    dir: string;
    name: string;
    stage: 1 | 2;
    step: number | null;
    engine: string;
    /** dataset the model was trained on (null when unknown) */
    datasetHash: string | null;
    textEncoderId: string;
  };
  dataset: { dir: string; name: string; hash: string };
  evalNets: { dir: string; version: string; trainSeconds: number };
  seed: number;
  n: number;
  /** captions scored per item image (absent in reports written before the option: 1) */
  captionsPerImage?: number;
  truncation: number | null;
  /** which generated image is scored: Stage-I 64 px, or Stage-II 256 px box-downscaled to 64 px */
  scored: "stage1-64" | "stage2-256-downscaled";
  /** the metrics of the first seed */
  splits: Record<string, SplitMetrics>;
  /** with --repeats R: every seed's metrics and their mean ± sd */
  repeats?: { seeds: number[]; runs: Record<string, SplitMetrics>[]; summary: RunSummary };
  timings: { generateSec: number; metricsSec: number; totalSec: number };
  notes: string[];
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? "—" : x.toFixed(d));

function row(label: string, m: ConditionMetrics | null): string {
  if (!m) return `| ${label} | — | — | — | — | — | — | — |`;
  return `| ${label} | ${pct(m.rPrecision)} | ${pct(m.rPrecisionNear)} | ${num(m.frechet, 3)} | ${num(m.jointFrechet, 3)} | ${num(m.inceptionLike)} | ${pct(m.classAccuracy)} | ${num(m.seedDiversity, 3)} |`;
}

const ms = (x: MeanSd | undefined, f: (v: number | null) => string) =>
  x ? `${f(x.mean)} ± ${f(x.sd)}` : "—";

function summaryRow(label: string, s: RunSummary[string][keyof RunSummary[string]]): string {
  if (!s) return `| ${label} | — | — | — | — | — | — | — |`;
  return `| ${label} | ${ms(s.rPrecision, pct)} | ${ms(s.rPrecisionNear, pct)} | ${ms(s.frechet, (v) => num(v, 3))} | ${ms(s.jointFrechet, (v) => num(v, 3))} | ${ms(s.inceptionLike, num)} | ${ms(s.classAccuracy, pct)} | ${ms(s.seedDiversity, (v) => num(v, 3))} |`;
}

const TABLE_HEAD =
  "| images | R-precision ↑ | near-class R-precision ↑ | Fréchet distance ↓ | image–text Fréchet ↓ | Inception-like ↑ | class accuracy ↑ | seed diversity ↑ |";
const TABLE_RULE = "| --- | --- | --- | --- | --- | --- | --- | --- |";

export function formatEvalReport(r: EvalReport, gridFile = "samples.png"): string {
  const perImage = r.captionsPerImage ?? 1;
  const lines = [
    `# Evaluation of ${r.model.name}`,
    "",
    `- model: ${r.model.kind} \`${r.model.dir}\`${r.model.step === null ? "" : `, step ${r.model.step}`}, Stage ${r.model.stage}, engine ${r.model.engine}; scored: ${r.scored}`,
    `- dataset: ${r.dataset.name} (hash ${r.dataset.hash})${r.model.datasetHash && r.model.datasetHash !== r.dataset.hash ? ` — the model was trained on ${r.model.datasetHash}` : ""}`,
    `- eval networks: \`${r.evalNets.dir}\` (${r.evalNets.version})`,
    `- seed ${r.seed}, up to ${r.n} captions per split, truncation ${r.truncation ?? "none"}; ${r.createdAt}`,
    `- time: generation ${r.timings.generateSec.toFixed(1)} s, metrics ${r.timings.metricsSec.toFixed(1)} s, total ${r.timings.totalSec.toFixed(1)} s`,
    "",
  ];
  for (const [split, m] of Object.entries(r.splits)) {
    lines.push(
      `## ${split} split${m.classesKnown ? "" : " (classes never seen in training)"}`,
      "",
      `${m.items} captions (${perImage === 1 ? "one per image" : `${perImage} per image, on ${m.items / perImage} images`}), Fréchet reference: ${m.referenceImages} other real images of the split; R-precision: true caption among ${m.mismatched + 1} (chance ${pct(m.chance)})${m.nearClasses ? `; near-class R-precision: among ${m.nearClasses + 1} (chance ${pct(m.nearChance)})` : ""}.`,
      "",
      TABLE_HEAD,
      TABLE_RULE,
      row("real (ceiling)", m.real),
      row("generated", m.generated),
      row("shuffled captions (floor)", m.shuffled),
      "",
    );
    const sum = r.repeats?.summary[split];
    if (r.repeats && sum)
      lines.push(
        `Mean ± sd over ${r.repeats.seeds.length} seeds (${r.repeats.seeds.join(", ")}):`,
        "",
        TABLE_HEAD,
        TABLE_RULE,
        summaryRow("real (ceiling)", sum.real),
        summaryRow("generated", sum.generated),
        summaryRow("shuffled captions (floor)", sum.shuffled),
        "",
      );
  }
  lines.push(
    "## Reading the numbers",
    "",
    "- All numbers come from Ganvas's own evaluation networks trained on this dataset (not Inception-v3): compare them only with numbers from the same eval-net version.",
    "- R-precision: the generated image's embedding must rank its own caption first among the true one and mismatched captions of other classes (AttnGAN protocol).",
    `- Near-class R-precision: the same ranking, against one caption of each of the ${NEAR_CLASSES} classes of the split nearest to the caption's class in meaning (mean caption embeddings: "cat face" against "tiger face", "dog face"...). Random classes mostly differ in colour or kind; near classes differ more in shape, so this figure asks more of the picture's shape, as far as the eval networks see shape: compare it with the real row (on the emoji set real images score about the same on both, so there class accuracy is the sharper test).`,
    "- Fréchet distance: FID's formula on the eval encoder's pooled features, against real images of the same split that are not the captions' own images; the real row is two disjoint real samples, so it shows the small-sample floor of the distance.",
    "- Inception-like score: exp(E KL(p(y|x) ‖ p(y))) with the eval classifier over the train+val classes. On the class-disjoint test split those classes are not the images' own: there it only says how confidently and diversely images fall into known classes; compare it with the real row.",
    "- Seed diversity: each caption is generated twice with different noise; the cosine distance between the two images' eval embeddings over the distance between images of different captions. 0: the noise is ignored (every seed gives the same picture); 1: a new seed changes the picture as much as a new caption.",
    "- Image–text Fréchet distance: the same formula on (image, caption) pairs, each the image's eval embedding beside its caption's (both normalised; the Fréchet Joint Distance of DeVries et al. 2019), against the reference images with their own captions. It sees whether images go with their captions, which the image-only distance cannot.",
    "- Shuffled captions: each generated image is paired with a caption of another class (the floor). The images are the same as the generated row's, so their image-only Fréchet distance and Inception-like score would be too; R-precision and the image–text Fréchet distance show what drawing for the wrong caption costs.",
    ...(perImage > 1
      ? [
          `- ${perImage} captions per image: R-precision, class accuracy, seed diversity and the image–text Fréchet distance use every caption (the reference images have as many of theirs); the image-only Fréchet distance and Inception-like score use each image's first caption only, so real and generated sets have one image per item image.`,
        ]
      : []),
    ...r.notes.map((n) => `- ${n}`),
    "",
    `![samples](${gridFile})`,
    "",
  );
  return lines.join("\n");
}
