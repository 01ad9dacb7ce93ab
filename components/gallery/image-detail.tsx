import Link from "next/link";
import { TRUNCATION_DEFAULT } from "@/lib/generate-events";
import type { ImageSummary } from "@/lib/server";
import { ImageActions } from "./image-actions";

/** Large view + recipe; used by the image page and the share page. */
export function ImageDetail({
  image,
  pngUrl,
  shareUrl,
}: {
  image: ImageSummary;
  pngUrl: string;
  shareUrl: string;
}) {
  const p = image.params as { truncation?: number; variation?: { of: number; strength: number } };
  const again = new URLSearchParams({
    prompt: image.prompt,
    seed: String(image.seed),
    count: "1",
    truncation: String(p.truncation ?? TRUNCATION_DEFAULT),
  });
  const rows: [string, string][] = [
    ["Prompt", image.prompt],
    ["Seed", String(image.seed)],
    ["Model version", image.modelVersion],
    ["Diversity (truncation)", String(p.truncation ?? TRUNCATION_DEFAULT)],
    ["Size", `${image.width} × ${image.height}`],
    ["By", image.ownerName],
    ["Created", new Date(image.createdAt).toUTCString()],
  ];
  if (p.variation) rows.push(["Variation of seed", `${p.variation.of} (strength ${p.variation.strength})`]);
  return (
    <div className="grid gap-8 md:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="overflow-hidden rounded-2xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        {/* biome-ignore lint/performance/noImgElement: the stored PNG itself, with its recipe chunks */}
        <img
          src={pngUrl}
          alt={image.prompt}
          className="mx-auto aspect-square w-full max-w-[512px] object-contain"
          data-testid="detail-image"
        />
      </div>
      <div className="space-y-5">
        <h1 className="text-xl font-semibold" data-testid="detail-prompt">
          {image.prompt}
        </h1>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-zinc-500">{k}</dt>
              <dd className="break-words" data-testid={`recipe-${k.toLowerCase().split(" ")[0]}`}>
                {v}
              </dd>
            </div>
          ))}
        </dl>
        <div className="flex flex-wrap gap-2">
          <Link
            href={`/?${again.toString()}`}
            className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            Generate again with this recipe
          </Link>
          <a
            href={`${pngUrl}${pngUrl.includes("?") ? "&" : "?"}download=1`}
            className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Download PNG
          </a>
        </div>
        {image.canEdit && (
          <ImageActions id={image.id} visibility={image.visibility} saved={image.saved} shareUrl={shareUrl} />
        )}
      </div>
    </div>
  );
}
