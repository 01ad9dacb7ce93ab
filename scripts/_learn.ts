import {
  classifySyntheticImage,
  SYNTHETIC_BOW_ID,
  SYNTHETIC_COLOURS,
  SYNTHETIC_SHAPES,
  syntheticBowEmbed,
  writeSyntheticShapesDataset,
} from "@/lib/data";
import { loadGenerator } from "@/lib/gan";
import { train } from "@/lib/train";

const ds = "/tmp/gsmoke/ds2";
const colours = (process.env.COLS ?? "red,green,blue,yellow").split(",") as any;
const shapes = (process.env.SHAPES ?? "circle,square,triangle").split(",") as any;
await writeSyntheticShapesDataset(ds, { count: 240, colours, shapes });
const run = process.env.RUN ?? "/tmp/gsmoke/learn" + Date.now();
const t = Date.now();
const steps = Number(process.env.STEPS ?? 150);
if (!process.env.RUN)
  await train({
    runDir: run,
    datasetDir: ds,
    config: (await import("@/lib/gan")).presetConfig("tiny", {
      train: {
        klWeight: Number(process.env.KLW ?? 0.1),
        lrG: Number(process.env.LR ?? 2e-3),
        lrD: Number(process.env.LR ?? 2e-3),
      },
    }),
    maxSteps: steps,
    log: () => {},
    onEvent: (e) => {
      if (e.type === "step" && e.step % 50 === 0)
        console.log(e.step, JSON.stringify(e.losses), ((Date.now() - t) / 1000).toFixed(1));
    },
  });
console.log("train s", (Date.now() - t) / 1000);
const g = await loadGenerator(run);
let okC = 0,
  okS = 0,
  okB = 0,
  n = 0;
for (const c of colours)
  for (const s of shapes) {
    const per = 8;
    const emb = new Float32Array(per * 32);
    for (let i = 0; i < per; i++) emb.set(syntheticBowEmbed(`a ${c} ${s}`, 32), i * 32);
    const out = g.generate({ embeddings: emb, seed: 100 });
    for (let i = 0; i < per; i++) {
      const m = classifySyntheticImage(out.images64.subarray(i * 12288, (i + 1) * 12288), {
        colours,
        shapes,
      });
      n++;
      okC += +(m.colour === c);
      okS += +(m.shape === s);
      okB += +(m.colour === c && m.shape === s);
    }
  }
console.log({
  colour: okC / n,
  shape: okS / n,
  both: okB / n,
  chance: 1 / (colours.length * shapes.length),
  total: (Date.now() - t) / 1000,
});
