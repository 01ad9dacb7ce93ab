import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { findShippedVersions } from "./model-version-folder";
import { exportModelVersionOnnx } from "./onnx-export";
import { exists } from "./onnx-version-files";

/**
 * Shipped model versions are committed as their TensorFlow.js checkpoint only (the smallest faithful form);
 * their ONNX export is regenerated here at install time (deterministic) and kept until the weights change.
 */
export async function prepareShippedVersions(root: string, opts: { force?: boolean } = {}) {
  const out: { name: string; status: "exported" | "up to date"; ms: number }[] = [];
  for (const { dir, manifest } of await findShippedVersions(root)) {
    const t0 = performance.now();
    const present = await exists(path.join(dir, "onnx", "stage1.onnx"));
    const stampFile = path.join(dir, "onnx", "stamp.json");
    const weights = await fs.readFile(path.join(dir, "checkpoint", "weights.bin"));
    const want = createHash("sha256").update(weights).digest("hex");
    // the stamp is read only when the export is there: a missing export is rebuilt whatever it says
    const have =
      present && !opts.force
        ? await fs
            .readFile(stampFile, "utf8")
            .then((s) => (JSON.parse(s) as { weights: string }).weights)
            .catch(() => null)
        : null;
    if (have === want) {
      out.push({ name: manifest.name, status: "up to date", ms: performance.now() - t0 });
      continue;
    }
    await exportModelVersionOnnx(path.join(dir, "checkpoint"), dir);
    await fs.writeFile(stampFile, `${JSON.stringify({ weights: want })}\n`);
    out.push({ name: manifest.name, status: "exported", ms: performance.now() - t0 });
  }
  return out;
}
