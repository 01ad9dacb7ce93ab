import Link from "next/link";
import type { ImageSummary } from "@/lib/server";

export function ImageGrid({ images, empty }: { images: ImageSummary[]; empty: string }) {
  if (!images.length)
    return (
      <p className="rounded-2xl border-2 border-dashed border-zinc-300 p-10 text-center text-sm text-zinc-500 dark:border-zinc-700">
        {empty}
      </p>
    );
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="image-grid">
      {images.map((im) => (
        <li key={im.id}>
          <Link
            href={`/images/${im.id}`}
            className="group block overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm transition hover:shadow-md dark:border-zinc-800 dark:bg-zinc-900"
          >
            <div className="relative aspect-square bg-zinc-100 dark:bg-zinc-800">
              {/* biome-ignore lint/performance/noImgElement: images come from our API with their own caching */}
              <img
                src={`/api/images/${im.id}/png`}
                alt={im.prompt}
                loading="lazy"
                className="h-full w-full object-contain"
              />
              {im.visibility === "public" && (
                <span className="absolute right-2 top-2 rounded-md bg-black/60 px-1.5 py-0.5 text-[11px] text-white">
                  public
                </span>
              )}
            </div>
            <div className="space-y-0.5 p-2">
              <p className="line-clamp-2 text-sm" data-testid="grid-prompt">
                {im.prompt}
              </p>
              <p className="text-xs text-zinc-500">
                {im.ownerName} · seed {im.seed} · {im.modelVersion}
              </p>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}
