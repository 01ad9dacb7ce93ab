/**
 * Dataset command line:
 *   npm run dataset -- build-emoji [--out DIR] [--seed N] [--limit N] [--no-embed] [--no-common-names]
 *   npm run dataset -- import --format cub|oxford|coco|folder|zip|jsonl --src PATH --name NAME [--out DIR] [--force] [--skip-bad]
 *   npm run dataset -- report DIR
 *   npm run dataset -- contact-sheet DIR --out sheet.png [--count 64] [--seed N]
 *   npm run dataset -- embed DIR
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { config } from "@/lib/config";
import { createTextEncoder } from "@/lib/text";
import {
  buildEmojiDataset,
  buildReport,
  type CaptionEncoder,
  contactSheet,
  DatasetImportError,
  embedDatasetCaptions,
  formatReport,
  IMPORT_FORMATS,
  type ImportFormat,
  importDataset,
  loadDataset,
} from "../lib/data";

const dataDir = config().dataDir;
const datasetsDir = path.join(dataDir, "datasets");

function bar(label: string): (done: number, total: number) => void {
  const t0 = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const w = 30;
    const f = total ? Math.round((done / total) * w) : w;
    const secs = (now - t0) / 1000;
    const eta = done ? (secs / done) * (total - done) : 0;
    process.stderr.write(
      `\r${label} [${"#".repeat(f)}${".".repeat(w - f)}] ${done}/${total} ${secs.toFixed(0)}s eta ${eta.toFixed(0)}s `,
    );
    if (done >= total) process.stderr.write("\n");
  };
}

/** The configured text encoder (GANVAS_TEXT_ENCODER), prepared on first use; null when it cannot load. */
async function tryTextEncoder(): Promise<CaptionEncoder | null> {
  const cfg = config();
  try {
    return await createTextEncoder({
      modelId: cfg.textEncoder,
      modelsDir: cfg.modelsDir,
      cacheDir: path.join(cfg.dataDir, "cache", "text"),
      allowRemote: cfg.allowRemoteModels,
    });
  } catch (err) {
    console.log(`Caption embeddings skipped (textEncoder null): ${(err as Error).message.split("\n")[0]}`);
    console.log("  Run `npm run models:prepare` and then `npm run dataset -- embed DIR` to add them.");
    return null;
  }
}

async function embed(dir: string): Promise<void> {
  const enc = await tryTextEncoder();
  if (!enc) return;
  const t0 = performance.now();
  await embedDatasetCaptions(dir, enc, { onProgress: bar("embed ") });
  console.log(
    `Embedded captions with ${enc.id} (dim ${enc.dim}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const d of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    total += d.isDirectory() ? await folderSize(p) : (await fs.stat(p)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      seed: { type: "string" },
      limit: { type: "string" },
      format: { type: "string" },
      src: { type: "string" },
      name: { type: "string" },
      count: { type: "string" },
      force: { type: "boolean" },
      "skip-bad": { type: "boolean" },
      "no-embed": { type: "boolean" },
      "no-common-names": { type: "boolean" },
      // the default since session 12: still accepted, so older notes' commands run
      "common-names": { type: "boolean" },
    },
  });
  const seed = values.seed ? Number(values.seed) : 0;
  switch (command) {
    case "build-emoji": {
      if (values["common-names"] && values["no-common-names"])
        throw new Error(
          "--common-names and --no-common-names contradict each other: pass one (they are on by default)",
        );
      const outDir = path.resolve(values.out ?? path.join(datasetsDir, "emoji"));
      const t0 = performance.now();
      const r = await buildEmojiDataset({
        outDir,
        seed,
        limit: values.limit ? Number(values.limit) : undefined,
        commonNames: !values["no-common-names"],
        onProgress: ((render) => (phase: string, done: number, total: number) => {
          if (phase === "render") render(done, total);
          else if (done === 0) process.stderr.write("writing the dataset folder...\n");
        })(bar("render")),
      });
      if (!values["no-embed"]) await embed(outDir);
      await fs.writeFile(
        path.join(outDir, "contact-sheet.png"),
        await contactSheet(outDir, { seed, caption: "random" }),
      );
      const m = r.manifest;
      console.log(formatReport(r.report).trimEnd());
      console.log(
        `Built ${m.count} images (${JSON.stringify(m.build?.styles)}), ${m.captionCount} captions, ` +
          `splits train ${m.splits.train} / val ${m.splits.val} / test ${m.splits.test} at ${outDir}`,
      );
      console.log(
        `Contact sheet of 64 samples: ${path.join(outDir, "contact-sheet.png")}\n` +
          `Build time ${((performance.now() - t0) / 1000).toFixed(1)} s, folder size ${((await folderSize(outDir)) / 1024 ** 2).toFixed(1)} MiB`,
      );
      break;
    }
    case "import": {
      const format = values.format as ImportFormat;
      if (!IMPORT_FORMATS.includes(format))
        throw new Error(`--format must be one of ${IMPORT_FORMATS.join(", ")}`);
      if (!values.src || !values.name) throw new Error("import needs --src PATH and --name NAME");
      const outDir = path.resolve(values.out ?? path.join(datasetsDir, values.name));
      const r = await importDataset({
        format,
        src: values.src,
        name: values.name,
        outDir,
        overwrite: values.force,
        strict: !values["skip-bad"],
        onProgress: bar("import"),
      });
      if (!values["no-embed"]) await embed(outDir);
      console.log(formatReport(r.report).trimEnd());
      console.log(`Imported ${r.manifest.count} images into ${outDir}`);
      break;
    }
    case "report": {
      const dir = positionals[0];
      if (!dir) throw new Error("report needs a dataset folder");
      const ds = await loadDataset(dir, { sizes: [] });
      const saved = await fs.readFile(path.join(dir, "report.json"), "utf8").catch(() => null);
      const report = saved ? JSON.parse(saved) : buildReport({ name: ds.manifest.name, records: ds.records });
      console.log(formatReport(report).trimEnd());
      console.log(
        `  text encoder: ${ds.manifest.textEncoder ? `${ds.manifest.textEncoder.id} (${ds.manifest.textEncoder.dim})` : "none"}; hash ${ds.manifest.hash}`,
      );
      break;
    }
    case "contact-sheet": {
      const dir = positionals[0];
      if (!dir || !values.out) throw new Error("contact-sheet needs a dataset folder and --out sheet.png");
      const png = await contactSheet(dir, {
        seed,
        count: values.count ? Number(values.count) : 64,
        caption: "random",
      });
      await fs.writeFile(values.out, png);
      console.log(`Wrote ${values.out}`);
      break;
    }
    case "embed": {
      if (!positionals[0]) throw new Error("embed needs a dataset folder");
      await embed(positionals[0]);
      break;
    }
    default:
      console.log(
        "usage: npm run dataset -- build-emoji|import|report|contact-sheet|embed ... (see scripts/dataset.ts)",
      );
      process.exitCode = command ? 2 : 0;
  }
}

main().catch((err) => {
  if (err instanceof DatasetImportError) console.error(`Import refused [${err.code}]: ${err.message}`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
