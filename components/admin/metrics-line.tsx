/** One line of evaluation figures per split (generated vs real ceiling), for model versions and checkpoints. */
import { truncationLabel } from "@/lib/generate-events";

interface Figures {
  chance: number;
  real: {
    rPrecision: number;
    rPrecisionNear?: number | null;
    frechet: number | null;
    jointFrechet?: number | null;
  };
  generated: {
    rPrecision: number;
    rPrecisionNear?: number | null;
    frechet: number | null;
    jointFrechet?: number | null;
    inceptionLike: number | null;
    seedDiversity?: number | null;
  };
  shuffled?: { jointFrechet?: number | null } | null;
}
export interface MetricsLike {
  n?: number;
  evalNets?: string;
  /** noise truncation of the scored images (null or absent: plain normals) */
  truncation?: number | null;
  splits: Record<string, Figures>;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const two = (x: number | null | undefined) => (x == null ? "—" : x.toFixed(2));

/** "image–text Fréchet 0.31 (real 0.20, shuffled 0.95)": between the ceiling and the floor, lower is better */
export function jointText(m: Figures): string {
  return `image–text Fréchet ${two(m.generated.jointFrechet)} (real ${two(m.real.jointFrechet)}, shuffled ${two(m.shuffled?.jointFrechet)})`;
}

export function MetricsLine({
  metrics,
  testId,
}: {
  metrics: MetricsLike | null | undefined;
  testId?: string;
}) {
  if (!metrics?.splits || Object.keys(metrics.splits).length === 0)
    return <span className="text-xs text-zinc-400">not evaluated</span>;
  return (
    <span className="flex flex-wrap gap-2 text-xs" data-testid={testId}>
      {Object.entries(metrics.splits).map(([split, m]) => (
        <span key={split} className="rounded-md bg-zinc-100 px-2 py-0.5 font-mono dark:bg-zinc-800">
          {split}: R-precision {pct(m.generated.rPrecision)} of real {pct(m.real.rPrecision)} (chance{" "}
          {pct(m.chance)})
          {m.generated.rPrecisionNear != null &&
            ` · near classes ${pct(m.generated.rPrecisionNear)} of ${m.real.rPrecisionNear != null ? pct(m.real.rPrecisionNear) : "—"}`}
          {m.generated.frechet != null &&
            ` · Fréchet ${m.generated.frechet.toFixed(0)} (real ${m.real.frechet?.toFixed(0) ?? "—"})`}
          {m.generated.jointFrechet != null && ` · ${jointText(m)}`}
          {m.generated.seedDiversity != null && ` · seed diversity ${m.generated.seedDiversity.toFixed(2)}`}
        </span>
      ))}
      <span className="px-1 py-0.5 text-zinc-500">{truncationLabel(metrics.truncation)}</span>
    </span>
  );
}
