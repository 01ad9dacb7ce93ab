import { Alert } from "@/components/ui/alert";
import { describeZodError } from "@/lib/errors";
import {
  firstValues,
  imageListQuerySchema,
  listImageModelVersions,
  listImages,
  toImageQuery,
  type Viewer,
} from "@/lib/server";
import { GalleryFilters } from "./gallery-filters";
import { GalleryTabs } from "./gallery-tabs";
import { ImageGrid } from "./image-grid";
import { Pager } from "./pager";

/** The shared body of the public gallery, My images and History. */
export function GalleryView({
  viewer,
  scope,
  path,
  searchParams,
}: {
  viewer: Viewer | null;
  scope: "public" | "mine";
  path: string;
  searchParams: Record<string, string | string[] | undefined>;
}) {
  const raw = firstValues(searchParams);
  const parsed = imageListQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : imageListQuerySchema.parse({});
  const history = scope === "mine" && query.history === "1";
  const { images, hasMore } = listImages(viewer, toImageQuery(scope, query));
  const keep = Object.fromEntries(
    Object.entries({
      q: query.q,
      model: query.model,
      from: query.from,
      to: query.to,
      history: query.history,
    }).filter(([, v]) => v),
  ) as Record<string, string>;
  return (
    <div className="space-y-5">
      <GalleryTabs active={history ? "history" : scope} signedIn={!!viewer} />
      <GalleryFilters
        action={path}
        values={query}
        models={listImageModelVersions(viewer, scope)}
        extra={history ? { history: "1" } : undefined}
      />
      {!parsed.success && <Alert>{describeZodError(parsed.error)}</Alert>}
      <ImageGrid
        images={images}
        empty={
          query.q
            ? `Nothing matches “${query.q}”.`
            : scope === "public"
              ? "No public images yet. Make one in the studio and share it."
              : history
                ? "Images you generate appear here; save the ones you want to keep."
                : "You have not saved any images yet."
        }
      />
      <Pager path={path} params={keep} page={query.page} hasMore={hasMore} />
    </div>
  );
}
