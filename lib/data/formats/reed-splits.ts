import type { Split } from "../dataset-format";
import { DatasetImportError } from "../import-error";
import { readPickle } from "../python-pickle";
import type { FileSource } from "../sources/file-source";
import { findEntry, readText } from "./source-item";

/**
 * The class split that StackGAN/Reed et al. use, from whichever the source has:
 * `train/filenames.pickle` + `test/filenames.pickle` (StackGAN; Python 2 pickles of "class/image" keys), or
 * `trainvalclasses.txt` + `testclasses.txt` (Reed et al.). Returns a split per image key (basename without
 * extension) and per class; undefined when the source has neither (a seeded class split is used instead).
 */
export interface ReedSplit {
  byImage: Map<string, Split>;
  byClass: Map<string, Split>;
}

export async function readReedSplit(src: FileSource): Promise<ReedSplit | undefined> {
  const byImage = new Map<string, Split>();
  const byClass = new Map<string, Split>();
  const trainPickle = findEntry(src, "train/filenames.pickle");
  const testPickle = findEntry(src, "test/filenames.pickle");
  if (trainPickle && testPickle) {
    for (const [file, split] of [
      [trainPickle, "train"],
      [testPickle, "test"],
    ] as const) {
      const names = readPickle(await src.read(file), file);
      if (!Array.isArray(names))
        throw new DatasetImportError("FORMAT_INVALID", `${file} should hold a list of file names.`, file);
      for (const n of names) {
        const key = String(n);
        byImage.set(imageKey(key), split);
        const parts = key.split("/");
        if (parts.length >= 2) byClass.set(parts[parts.length - 2], split);
      }
    }
    return { byImage, byClass };
  }
  const trainClasses = findEntry(src, "trainvalclasses.txt") ?? findEntry(src, "trainclasses.txt");
  const testClasses = findEntry(src, "testclasses.txt");
  if (trainClasses && testClasses) {
    for (const [file, split] of [
      [trainClasses, "train"],
      [testClasses, "test"],
    ] as const) {
      for (const line of (await readText(src, file)).split(/\r?\n/))
        if (line.trim()) byClass.set(line.trim(), split);
    }
    return { byImage, byClass };
  }
  return undefined;
}

/** "001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg" → "Black_Footed_Albatross_0046_18" */
export function imageKey(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1).replace(/\.[a-z0-9]+$/i, "");
}

export function splitFor(s: ReedSplit | undefined, image: string, cls: string): Split | undefined {
  if (!s) return undefined;
  return s.byImage.get(imageKey(image)) ?? s.byClass.get(cls) ?? (s.byImage.size > 0 ? undefined : "train");
}
