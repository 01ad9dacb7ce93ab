import Link from "next/link";
import { AutoRefresh } from "@/components/admin/auto-refresh";
import { DeleteButton } from "@/components/admin/delete-button";
import { EvalNetsPanel } from "@/components/admin/eval-nets-panel";
import { StatusBadge } from "@/components/admin/status-badge";
import { formatReport, type ValidationReport } from "@/lib/data";
import { evalNetsInfo, getDataset, pageAdmin } from "@/lib/server";

export const metadata = { title: "Dataset · Admin" };

export default async function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageAdmin(`/admin/datasets/${id}`);
  const d = getDataset(viewer, id);
  const evalNets = d.status === "ready" ? await evalNetsInfo(d) : null;
  const evalWorking = evalNets?.status === "queued" || evalNets?.status === "training";
  return (
    <div className="space-y-6">
      <AutoRefresh active={d.status === "importing" || evalWorking} />
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/admin/datasets" className="text-sm text-zinc-500 hover:underline">
          ← Datasets
        </Link>
        <h2 className="text-xl font-semibold">{d.name}</h2>
        <StatusBadge status={d.status} />
        <div className="ml-auto flex gap-2">
          {d.status === "ready" && (
            <Link
              href={`/admin/training?dataset=${d.id}`}
              className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
            >
              Train on it
            </Link>
          )}
          <DeleteButton
            url={`/api/admin/datasets/${d.id}`}
            then="/admin/datasets"
            label="Delete"
            confirm={`Delete dataset "${d.name}" and its files?`}
          />
        </div>
      </div>
      {d.status === "importing" && (
        <p className="text-sm text-zinc-500">Importing… this page updates by itself.</p>
      )}
      {d.error && (
        <p className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200">
          {d.error}
        </p>
      )}
      {d.report && (
        <section className="space-y-2">
          <h3 className="font-semibold">Validation report</h3>
          <pre
            data-testid="dataset-report"
            className="overflow-x-auto rounded-xl bg-zinc-100 p-4 text-xs leading-relaxed dark:bg-zinc-900"
          >
            {formatReport(d.report as unknown as ValidationReport)}
          </pre>
        </section>
      )}
      {evalNets && <EvalNetsPanel datasetId={d.id} info={evalNets} />}
      {d.status === "ready" && (
        <section className="space-y-2">
          <h3 className="font-semibold">Samples with their captions</h3>
          {/* biome-ignore lint/performance/noImgElement: a generated contact sheet */}
          <img
            src={`/api/admin/datasets/${d.id}/sheet`}
            alt={`32 samples of ${d.name} with captions`}
            className="w-full rounded-xl border border-zinc-200 bg-white dark:border-zinc-800"
            data-testid="dataset-sheet"
          />
        </section>
      )}
    </div>
  );
}
