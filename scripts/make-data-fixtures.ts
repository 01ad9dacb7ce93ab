/**
 * Writes the tiny dataset fixtures under tests/fixtures/data in the layouts of the real sources
 * (CUB-200-2011 + Reed captions, Oxford-102 + Reed captions, MS-COCO captions, folder, JSON lines).
 * Images are 24–48 px shapes drawn with sharp. Run: npx tsx scripts/make-data-fixtures.ts
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { py2PickleList } from "../tests/unit/data/py2-pickle";

const ROOT = path.resolve(import.meta.dirname, "../tests/fixtures/data");

type Shape = {
  bg: string;
  fg: string;
  kind: "rect" | "circle";
  w?: number;
  h?: number;
  box?: [number, number, number, number];
};

async function draw(file: string, s: Shape): Promise<void> {
  const w = s.w ?? 32;
  const h = s.h ?? 32;
  const [bx, by, bw, bh] = s.box ?? [8, 8, 16, 16];
  const inner =
    s.kind === "rect"
      ? `<rect x="${bx}" y="${by}" width="${bw}" height="${bh}" fill="${s.fg}"/>`
      : `<ellipse cx="${bx + bw / 2}" cy="${by + bh / 2}" rx="${bw / 2}" ry="${bh / 2}" fill="${s.fg}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${s.bg}"/>${inner}</svg>`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const img = sharp(Buffer.from(svg));
  await (file.endsWith(".jpg") ? img.jpeg({ quality: 80 }) : img.png()).toFile(file);
}

async function write(file: string, content: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
}

const COLOURS: [string, string][] = [
  ["red", "#e02020"],
  ["blue", "#2040e0"],
  ["green", "#20a040"],
  ["yellow", "#f0d020"],
  ["purple", "#8030c0"],
];

async function folder(): Promise<void> {
  const d = path.join(ROOT, "folder");
  await draw(`${d}/squares/red-square.png`, { bg: "#ffffff", fg: "#e02020", kind: "rect" });
  await write(`${d}/squares/red-square.txt`, "a red square\na small red box on white\n");
  await draw(`${d}/squares/blue-square.jpg`, { bg: "#ffffff", fg: "#2040e0", kind: "rect" });
  await write(`${d}/squares/blue-square.txt`, "a blue square\r\n\r\nblue box, centred\r\n");
  await draw(`${d}/circles/green-circle.png`, { bg: "#ffffff", fg: "#20a040", kind: "circle" });
  await write(`${d}/circles/green-circle.txt`, "\ufeffa green circle\n  a round green dot  \n");
  // the same picture twice under another name: dropped as a duplicate
  await fs.copyFile(`${d}/squares/red-square.png`, `${d}/circles/red-copy.png`);
  await write(`${d}/circles/red-copy.txt`, "a copy of the red square\n");
  // an image without captions (skipped) and an unrelated file (ignored)
  await draw(`${d}/circles/no-caption.png`, { bg: "#000000", fg: "#ffffff", kind: "circle" });
  await write(`${d}/README.md`, "notes that are not part of the dataset\n");
}

async function jsonl(): Promise<void> {
  const d = path.join(ROOT, "jsonl");
  const lines: object[] = [];
  for (const [i, [name, hex]] of COLOURS.slice(0, 3).entries()) {
    await draw(`${d}/images/${name}.png`, { bg: "#ffffff", fg: hex, kind: i % 2 ? "circle" : "rect" });
    lines.push({
      image: `images/${name}.png`,
      captions: [`a ${name} shape`, `${name} on white`],
      class: name,
    });
  }
  lines.push({ image: "images/missing.png", captions: ["listed but absent"] });
  await write(`${d}/manifest.jsonl`, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
}

const BIRDS = [
  "001.Black_footed_Albatross",
  "002.Laysan_Albatross",
  "003.Sooty_Albatross",
  "004.Groove_billed_Ani",
  "005.Crested_Auklet",
];

async function cub(): Promise<void> {
  const d = path.join(ROOT, "cub");
  const images: string[] = [];
  const boxes: string[] = [];
  const train: string[] = [];
  const test: string[] = [];
  let id = 1;
  for (const [c, cls] of BIRDS.entries()) {
    for (let k = 1; k <= 2; k++) {
      const stem = `${cls.slice(4)}_000${k}_${100 + id}`;
      const rel = `${cls}/${stem}`;
      // a 48×32 photo, blue sky, with the "bird" (the class colour) inside its bounding box
      const box: [number, number, number, number] = [10 + k * 4, 8, 14, 10];
      await draw(`${d}/CUB_200_2011/images/${rel}.jpg`, {
        bg: "#3070d0",
        fg: COLOURS[c][1],
        kind: "rect",
        w: 48,
        h: 32,
        box,
      });
      images.push(`${id} ${rel}.jpg`);
      boxes.push(`${id} ${box.map((v) => v.toFixed(1)).join(" ")}`);
      await write(
        `${d}/text_c10/${rel}.txt`,
        `this bird is ${COLOURS[c][0]} with a short beak\na ${COLOURS[c][0]} bird flying in a blue sky\n`,
      );
      (c < 3 ? train : test).push(rel);
      id++;
    }
  }
  await write(`${d}/CUB_200_2011/images.txt`, `${images.join("\n")}\n`);
  await write(`${d}/CUB_200_2011/bounding_boxes.txt`, `${boxes.join("\n")}\n`);
  await write(`${d}/CUB_200_2011/classes.txt`, `${BIRDS.map((b, i) => `${i + 1} ${b}`).join("\n")}\n`);
  // StackGAN's class split, as Python 2 pickles (one per protocol; the test list carries a latin-1 byte)
  await write(`${d}/train/filenames.pickle`, py2PickleList(train, 2));
  await write(
    `${d}/test/filenames.pickle`,
    py2PickleList([...test, "005.Crested_Auklet/Caf\u00e9_0009_999"], 0),
  );
}

async function oxford(): Promise<void> {
  const d = path.join(ROOT, "oxford");
  let n = 1;
  for (let c = 1; c <= 5; c++) {
    const cls = `class_${String(c).padStart(5, "0")}`;
    for (let k = 0; k < 2; k++) {
      const img = `image_${String(n).padStart(5, "0")}`;
      await draw(`${d}/jpg/${img}.jpg`, {
        bg: "#206020",
        fg: COLOURS[c - 1][1],
        kind: "circle",
        w: 40,
        h: 32,
        box: [6 + k * 10, 6, 18, 18],
      });
      await write(
        `${d}/text_c10/${cls}/${img}.txt`,
        `this flower has ${COLOURS[c - 1][0]} petals\na ${COLOURS[c - 1][0]} flower with a round shape\n`,
      );
      n++;
    }
  }
  await write(`${d}/trainvalclasses.txt`, "class_00001\nclass_00002\nclass_00003\nclass_00004\n");
  await write(`${d}/testclasses.txt`, "class_00005\n");
}

async function coco(): Promise<void> {
  const d = path.join(ROOT, "coco");
  const mk = async (split: "train2014" | "val2014", ids: number[]) => {
    const images = [];
    const annotations = [];
    for (const id of ids) {
      const file = `COCO_${split}_${String(id).padStart(12, "0")}.jpg`;
      const [name, hex] = COLOURS[id % COLOURS.length];
      await draw(`${d}/${split}/${file}`, {
        bg: "#d0d0d0",
        fg: hex,
        kind: id % 2 ? "circle" : "rect",
        w: 40,
        h: 30,
      });
      images.push({ id, file_name: file, width: 40, height: 30 });
      annotations.push({ id: id * 10, image_id: id, caption: `A ${name} object on a grey table.` });
      annotations.push({ id: id * 10 + 1, image_id: id, caption: `  There is a ${name} thing here. ` });
    }
    await write(`${d}/annotations/captions_${split}.json`, JSON.stringify({ info: {}, images, annotations }));
  };
  await mk("train2014", [9, 25, 30]);
  await mk("val2014", [42, 73]);
}

await fs.rm(ROOT, { recursive: true, force: true });
await Promise.all([folder(), jsonl(), cub(), oxford(), coco()]);
console.log(`fixtures written to ${ROOT}`);
