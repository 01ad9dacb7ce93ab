import { GalleryView } from "@/components/gallery/gallery-view";
import { pageViewer } from "@/lib/server";

export const metadata = { title: "My images" };

export default async function MyImagesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await pageViewer("/gallery/mine");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">My images</h1>
      <GalleryView viewer={viewer} scope="mine" path="/gallery/mine" searchParams={await searchParams} />
    </div>
  );
}
