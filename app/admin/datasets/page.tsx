import Link from "next/link";
import { AutoRefresh } from "@/components/admin/auto-refresh";
import { DatasetForms } from "@/components/admin/dataset-forms";
import { StatusBadge } from "@/components/admin/status-badge";
import { listDatasets, pageAdmin } from "@/lib/server";

export const metadata = { title: "Datasets · Admin" };

export default async function DatasetsPage() {
  const viewer = await pageAdmin("/admin/datasets");
  const datasets = await listDatasets(viewer);
  return (
    <div className="space-y-6">
      <AutoRefresh active={datasets.some((d) => d.status === "importing")} />
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Datasets</h2>
        {datasets.length === 0 ? (
          <p className="text-sm text-zinc-500">
            No datasets yet. Build the emoji set or import your own below.
          </p>
        ) : (
          <ul className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {datasets.map((d) => (
              <li
                key={d.id}
                data-testid={`dataset-${d.name}`}
                className="flex flex-wrap items-center gap-3 px-4 py-3"
              >
                <Link
                  href={`/admin/datasets/${d.id}`}
                  className="font-medium text-brand-700 hover:underline dark:text-brand-400"
                >
                  {d.name}
                </Link>
                <StatusBadge status={d.status} />
                <span className="text-sm text-zinc-500">
                  {d.imageCount.toLocaleString()} images · {d.captionCount.toLocaleString()} captions
                </span>
                <span className="ml-auto truncate text-xs text-zinc-500">{d.source}</span>
                {d.error && <p className="w-full text-sm text-red-600 dark:text-red-400">{d.error}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Add a dataset</h2>
        <DatasetForms hasEmoji={datasets.some((d) => d.name === "emoji")} />
      </section>
    </div>
  );
}
