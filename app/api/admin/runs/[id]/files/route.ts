import { promises as fs } from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { getRun, pngResponse, route, runDirAbs } from "@/lib/server";

/** A sample grid of a run: ?path=samples/step-000200.png (nothing else in the run folder is served). */
export const GET = route<undefined, { id: string }>({ access: "admin" }, async ({ req, viewer, params }) => {
  const run = getRun(viewer, params.id);
  const rel = new URL(req.url).searchParams.get("path") ?? "";
  if (!/^samples\/step-\d{6}\.png$/.test(rel))
    throw new AppError("VALIDATION", "path must be samples/step-NNNNNN.png");
  try {
    return pngResponse(await fs.readFile(path.join(runDirAbs(run), rel)), { cache: "private" });
  } catch {
    throw new AppError("NOT_FOUND", "No such sample grid.");
  }
});
