import { GalleryView } from "@/components/gallery/gallery-view";
import { currentViewer } from "@/lib/server";

export const metadata = { title: "Gallery" };

export default async function GalleryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await currentViewer();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Gallery</h1>
      <GalleryView viewer={viewer} scope="public" path="/gallery" searchParams={await searchParams} />
    </div>
  );
}
