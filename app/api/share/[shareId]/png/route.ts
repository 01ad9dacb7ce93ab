import { fileNameFor, getImageByShareId, getImagePng, pngResponse, route } from "@/lib/server";

/** The image behind a share link (for Open Graph previews); 404 unless public or the viewer's own. */
export const GET = route<undefined, { shareId: string }>(
  { access: "public" },
  async ({ req, viewer, params }) => {
    const image = getImageByShareId(viewer, params.shareId);
    return pngResponse(await getImagePng(viewer, image.id), {
      download: new URL(req.url).searchParams.get("download") === "1",
      name: fileNameFor(image.prompt, image.seed),
      cache: image.visibility === "public" ? "public" : "private",
    });
  },
);
