import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ImageDetail } from "@/components/gallery/image-detail";
import { AppError } from "@/lib/errors";
import { baseUrl, currentViewer, getImageByShareId } from "@/lib/server";

const load = cache(async (shareId: string) => {
  try {
    return getImageByShareId(await currentViewer(), shareId);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
});

/** Open Graph and Twitter tags so a pasted link shows the picture and its prompt. */
export async function generateMetadata({
  params,
}: {
  params: Promise<{ shareId: string }>;
}): Promise<Metadata> {
  const { shareId } = await params;
  const image = await load(shareId);
  const base = await baseUrl();
  const url = `${base}/s/${shareId}`;
  const imageUrl = `${base}/api/share/${shareId}/png`;
  const title = image.prompt.length > 70 ? `${image.prompt.slice(0, 67)}…` : image.prompt;
  const description = `Made with Ganvas (${image.modelVersion}, seed ${image.seed}).`;
  return {
    title,
    description,
    openGraph: {
      type: "article",
      title,
      description,
      url,
      siteName: "Ganvas",
      images: [{ url: imageUrl, width: image.width, height: image.height, alt: image.prompt }],
    },
    twitter: { card: "summary_large_image", title, description, images: [imageUrl] },
  };
}

export default async function SharePage({ params }: { params: Promise<{ shareId: string }> }) {
  const { shareId } = await params;
  const image = await load(shareId);
  return (
    <ImageDetail
      image={image}
      pngUrl={`/api/share/${shareId}/png`}
      shareUrl={`${await baseUrl()}/s/${shareId}`}
    />
  );
}
