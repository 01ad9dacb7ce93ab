import Link from "next/link";
import { AutoRefresh } from "@/components/admin/auto-refresh";
import { NewRunForm } from "@/components/admin/new-run-form";
import { StatusBadge } from "@/components/admin/status-badge";
import { config } from "@/lib/config";
import { PRESETS } from "@/lib/gan";
import { CONSOLE_PRESETS, listDatasets, listRuns, pageAdmin } from "@/lib/server";

export const metadata = { title: "Training · Admin" };

const fmtEta = (s: number | null) =>
  s == null ? "" : s > 3600 ? `${(s / 3600).toFixed(1)} h left` : `${Math.ceil(s / 60)} min left`;

export default async function TrainingPage({
  searchParams,
}: {
  searchParams: Promise<{ dataset?: string }>;
}) {
  const viewer = await pageAdmin("/admin/training");
  const [runs, datasets, sp] = await Promise.all([listRuns(viewer), listDatasets(viewer), searchParams]);
  const presets = CONSOLE_PRESETS.map((name) => ({
    name,
    stage: PRESETS[name].stage,
    batchSize: PRESETS[name].train.batchSize,
    lr: PRESETS[name].train.lrG,
  }));
  const stage1Runs = runs
    .filter((r) => PRESETS[r.preset as keyof typeof PRESETS]?.stage === 1 && r.step > 0)
    .map((r) => ({
      id: r.id,
      label: `${r.preset} on ${r.datasetName}, step ${r.step} (${r.id.slice(0, 8)})`,
    }));
  return (
    <div className="space-y-6">
      <AutoRefresh active={runs.some((r) => r.status === "running" || r.status === "queued")} ms={3000} />
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">New training run</h2>
        <NewRunForm
          datasets={datasets.filter((d) => d.status === "ready").map((d) => ({ id: d.id, name: d.name }))}
          presets={presets}
          stage1Runs={stage1Runs}
          defaultDataset={sp.dataset}
          evalDefault={config().evalOnCheckpoint}
        />
      </section>
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Runs</h2>
        {runs.length === 0 ? (
          <p className="text-sm text-zinc-500">No runs yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {runs.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center gap-3 px-4 py-3" data-testid="run-row">
                <Link
                  href={`/admin/training/${r.id}`}
                  className="font-mono text-sm text-brand-700 hover:underline dark:text-brand-400"
                >
                  {r.id.slice(0, 8)}
                </Link>
                <StatusBadge status={r.status} />
                <span className="text-sm">
                  {r.preset} on <span className="font-medium">{r.datasetName}</span>
                </span>
                <span className="text-sm text-zinc-500">
                  step {r.step.toLocaleString()} / {r.maxSteps?.toLocaleString() ?? "?"}
                  {r.status === "running" && r.etaSec != null && ` · ${fmtEta(r.etaSec)}`}
                  {r.queuePosition && ` · waiting, #${r.queuePosition} in line`}
                </span>
                <progress
                  className="ml-auto h-2 w-40 accent-brand-600"
                  value={r.step}
                  max={r.maxSteps ?? 1}
                  aria-label="progress"
                />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
