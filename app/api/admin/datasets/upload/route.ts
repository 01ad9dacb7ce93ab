import { randomUUID } from "node:crypto";
import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { config } from "@/lib/config";
import { IMPORT_FORMATS } from "@/lib/data";
import { AppError } from "@/lib/errors";
import { datasetNameSchema, ensureWorker, queueDatasetImport, route } from "@/lib/server";

const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024; // 1 GiB of zip; the importer has its own limits on what is inside

const querySchema = z.object({
  name: datasetNameSchema,
  format: z.enum(IMPORT_FORMATS as unknown as [string, ...string[]]).default("zip"),
});

/** PUT /api/admin/datasets/upload?name=&format= with the zip as the raw body (streamed to disk, size-limited). */
export const PUT = route({ access: "admin" }, async ({ req, viewer }) => {
  const q = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  if (!req.body) throw new AppError("VALIDATION", "Send the zip file as the request body.");
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_UPLOAD_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "The zip is over 1 GiB.");
  const dir = path.join(config().dataDir, "uploads");
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.zip`);
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > MAX_UPLOAD_BYTES) cb(new AppError("PAYLOAD_TOO_LARGE", "The zip is over 1 GiB."));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(req.body as import("node:stream/web").ReadableStream),
      limit,
      createWriteStream(file),
    );
    if (seen === 0) throw new AppError("VALIDATION", "The uploaded file is empty.");
    const dataset = queueDatasetImport(viewer, q.name, { kind: "upload", format: q.format, src: file });
    ensureWorker();
    return { dataset };
  } catch (err) {
    await fs.rm(file, { force: true });
    throw err;
  }
});
