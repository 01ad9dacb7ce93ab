import Link from "next/link";
import { RunLive } from "@/components/admin/run-live";
import { checkpointRows, getRun, listModelVersions, pageAdmin } from "@/lib/server";

export const metadata = { title: "Training run · Admin" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageAdmin(`/admin/training/${id}`);
  const run = getRun(viewer, id);
  const ckptIds = new Set(checkpointRows(id).map((c) => c.id));
  const promoted = (await listModelVersions(viewer))
    .filter((m) => m.checkpointId && ckptIds.has(m.checkpointId))
    .map((m) => Number(m.checkpointId?.split(":").pop()));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/admin/training" className="text-sm text-zinc-500 hover:underline">
          ← Training
        </Link>
        <h2 className="text-xl font-semibold">
          {run.preset} on {run.datasetName}
        </h2>
        <span className="font-mono text-xs text-zinc-500">{run.id}</span>
      </div>
      <RunLive initial={run} promotedSteps={promoted} />
    </div>
  );
}
