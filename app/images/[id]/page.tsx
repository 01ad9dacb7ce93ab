import { notFound } from "next/navigation";
import { ImageDetail } from "@/components/gallery/image-detail";
import { AppError } from "@/lib/errors";
import { baseUrl, currentViewer, getImage } from "@/lib/server";

export const metadata = { title: "Image" };

export default async function ImagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await currentViewer();
  let image: ReturnType<typeof getImage>;
  try {
    image = getImage(viewer, id);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
  return (
    <ImageDetail
      image={image}
      pngUrl={`/api/images/${image.id}/png`}
      shareUrl={`${await baseUrl()}/s/${image.shareId}`}
    />
  );
}
