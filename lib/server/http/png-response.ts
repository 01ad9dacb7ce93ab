/** A PNG response; `download` makes browsers save it under a name built from the prompt and seed. */
export function pngResponse(
  png: Buffer,
  opts: { download?: boolean; name?: string; cache: "private" | "public" },
): Response {
  const headers: Record<string, string> = {
    "content-type": "image/png",
    "content-length": String(png.length),
    "cache-control": opts.cache === "public" ? "public, max-age=300" : "private, max-age=3600",
    "x-content-type-options": "nosniff",
  };
  if (opts.download) headers["content-disposition"] = `attachment; filename="${opts.name ?? "ganvas.png"}"`;
  return new Response(new Uint8Array(png), { headers });
}

export function fileNameFor(prompt: string, seed: number): string {
  const slug = prompt
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 48);
  return `ganvas-${slug || "image"}-${seed}.png`;
}
