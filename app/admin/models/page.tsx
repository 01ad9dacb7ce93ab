import { ActivateButton } from "@/components/admin/activate-button";
import { type MetricsLike, MetricsLine } from "@/components/admin/metrics-line";
import { StatusBadge } from "@/components/admin/status-badge";
import { listModelVersions, pageAdmin } from "@/lib/server";

export const metadata = { title: "Model versions · Admin" };

export default async function ModelsPage() {
  const viewer = await pageAdmin("/admin/models");
  const versions = await listModelVersions(viewer);
  return (
    <section className="space-y-3">
      <h2 className="text-lg font-semibold">Model versions</h2>
      <p className="text-sm text-zinc-500">
        The active version serves every generate request. Activating an older one rolls back at once.
      </p>
      <ul className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {versions.map((v) => {
          const src = (v.card.source ?? {}) as Record<string, unknown>;
          return (
            <li
              key={v.id}
              className="flex flex-wrap items-center gap-3 px-4 py-3"
              data-testid={`model-${v.name}`}
            >
              <span className="font-medium">{v.name}</span>
              {v.isActive && <StatusBadge status="active" />}
              {v.card.shipped ? <span className="text-xs text-zinc-500">shipped</span> : null}
              <span className="text-xs text-zinc-500">
                {[
                  src.dataset ? `dataset ${src.dataset}` : null,
                  src.preset ? `preset ${src.preset}` : null,
                  src.step != null ? `step ${src.step}` : null,
                  src.wallTimeSec ? `${Math.round(Number(src.wallTimeSec) / 60)} min` : null,
                  `encoder ${v.textEncoderId}`,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
              <span className="ml-auto">
                {!v.isActive && (
                  <ActivateButton id={v.id} label={v.promotedAt ? "Roll back to this" : "Activate"} />
                )}
              </span>
              <span className="basis-full">
                <MetricsLine
                  metrics={v.card.metrics as MetricsLike | undefined}
                  testId={`metrics-${v.name}`}
                />
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
