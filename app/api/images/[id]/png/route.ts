import { fileNameFor, getImage, getImagePng, pngResponse, route } from "@/lib/server";

/** The PNG (with its recipe chunks) of an image the viewer may see; `?download=1` saves it. */
export const GET = route<undefined, { id: string }>({ access: "public" }, async ({ req, viewer, params }) => {
  const image = getImage(viewer, params.id);
  const png = await getImagePng(viewer, params.id);
  return pngResponse(png, {
    download: new URL(req.url).searchParams.get("download") === "1",
    name: fileNameFor(image.prompt, image.seed),
    cache: image.visibility === "public" ? "public" : "private",
  });
});
