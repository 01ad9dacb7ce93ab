import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { hash32 } from "../seeded-hash";

/**
 * The emoji that go into the default dataset: every emojibase entry that has art in a style package, minus the
 * glyphs that carry no picture (letters, digits, keycaps, punctuation, maths, currency, zodiac signs), and with skin
 * tone variants capped so they do not swamp the set (each style keeps the default yellow one plus a few toned ones,
 * rotating through the tones).
 */
export type EmojiStyle = "fluent" | "noto" | "twemoji";
export const EMOJI_STYLES: readonly EmojiStyle[] = ["fluent", "noto", "twemoji"];

export interface EmojiEntry {
  /** emoji kind = class of the record: the base emoji's hexcode, lower-case ("1f44b") */
  kind: string;
  /** hexcode of this exact variant ("1f44b-1f3fd") */
  hex: string;
  label: string;
  baseLabel: string;
  group: string;
  subgroup: string;
  tags: string[];
  /** 1..5 (light..dark), or several for multi-person emoji; empty for the default */
  tones: number[];
}

export interface EmojiArt {
  style: EmojiStyle;
  entry: EmojiEntry;
  /** where to load the art: a file, or an inline SVG string (Noto) */
  file?: string;
  svg?: string;
}

interface EmojibaseEmoji {
  label: string;
  hexcode: string;
  tags?: string[];
  group?: number;
  subgroup?: number;
  tone?: number | number[];
  skins?: EmojibaseEmoji[];
}

const DROP_SUBGROUPS = new Set([
  "alphanum",
  "keycap",
  "punctuation",
  "math",
  "currency",
  "zodiac",
  "skin-tone",
  "hair-style",
]);
const DROP_LABELS = new Set([
  "copyright",
  "registered",
  "trade mark",
  "part alternation mark",
  "wavy dash",
  "curly loop",
  "double curly loop",
]);

/** created on first use, not at import: lib/data is also imported where emoji are never built */
let requireCache: NodeJS.Require | undefined;
const req = (id: string): unknown => {
  requireCache ??= createRequire(import.meta.url);
  return requireCache(id);
};
const resolve = (id: string): string => {
  requireCache ??= createRequire(import.meta.url);
  return requireCache.resolve(id);
};

function pkgDir(name: string): string {
  return path.dirname(resolve(`${name}/package.json`));
}

export interface CatalogOptions {
  /** toned variants kept per emoji and style, besides the default one */
  skinVariantsPerStyle: number;
  seed: number;
}

export function loadEmojiEntries(): EmojiEntry[] {
  const data = req("emojibase-data/en/data.json") as EmojibaseEmoji[];
  const meta = req("emojibase-data/meta/groups.json") as {
    groups: Record<string, string>;
    subgroups: Record<string, string>;
  };
  const out: EmojiEntry[] = [];
  for (const e of data) {
    if (e.group === undefined || e.subgroup === undefined) continue; // regional indicator letters
    const group = meta.groups[e.group];
    const subgroup = meta.subgroups[e.subgroup];
    if (group === "component" || DROP_SUBGROUPS.has(subgroup) || DROP_LABELS.has(e.label)) continue;
    const kind = e.hexcode.toLowerCase();
    const base = { kind, baseLabel: e.label, group, subgroup, tags: e.tags ?? [] };
    out.push({ ...base, hex: kind, label: e.label, tones: [] });
    for (const s of e.skins ?? []) {
      const tones = Array.isArray(s.tone) ? s.tone : s.tone ? [s.tone] : [];
      out.push({ ...base, hex: s.hexcode.toLowerCase(), label: s.label, tones });
    }
  }
  return out;
}

/** Find every available art file for every entry and style, then cap the toned variants. */
export function findEmojiArt(entries: EmojiEntry[], opts: CatalogOptions): EmojiArt[] {
  const fluentDir = path.join(pkgDir("@lobehub/fluent-emoji-3d"), "assets");
  const twemojiDir = pkgDir("@twemoji/svg");
  const fluent = new Set(readdirSync(fluentDir).map((f) => f.replace(/\.webp$/, "")));
  const twemoji = new Set(readdirSync(twemojiDir).map((f) => f.replace(/\.svg$/, "")));
  const notoDir = pkgDir("@iconify-json/noto");
  const noto = JSON.parse(readFileSync(path.join(notoDir, "icons.json"), "utf8")) as {
    icons: Record<string, { body: string }>;
    aliases?: Record<string, { parent: string }>;
    width?: number;
    height?: number;
  };
  const notoChars = JSON.parse(readFileSync(path.join(notoDir, "chars.json"), "utf8")) as Record<
    string,
    string
  >;
  const notoBox = `0 0 ${noto.width ?? 128} ${noto.height ?? 128}`;
  const notoBody = (name: string): string | undefined => {
    for (let n = name, i = 0; i < 8; i++) {
      if (noto.icons[n]) return noto.icons[n].body;
      const parent = noto.aliases?.[n]?.parent;
      if (!parent) return undefined;
      n = parent;
    }
    return undefined;
  };
  const variants = (hex: string) => [
    hex,
    hex
      .split("-")
      .filter((p) => p !== "fe0f")
      .join("-"),
  ];

  const found: EmojiArt[] = [];
  for (const entry of entries) {
    for (const style of EMOJI_STYLES) {
      for (const h of variants(entry.hex)) {
        if (style === "fluent" && fluent.has(h)) {
          found.push({ style, entry, file: path.join(fluentDir, `${h}.webp`) });
          break;
        }
        if (style === "twemoji" && twemoji.has(h)) {
          found.push({ style, entry, file: path.join(twemojiDir, `${h}.svg`) });
          break;
        }
        const body = style === "noto" && notoChars[h] ? notoBody(notoChars[h]) : undefined;
        if (body) {
          found.push({
            style,
            entry,
            svg: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="${notoBox}" width="256" height="256">${body}</svg>`,
          });
          break;
        }
      }
    }
  }
  return capSkinTones(found, opts);
}

/** Keep every default-tone image; of the toned ones keep `skinVariantsPerStyle` per (kind, style), chosen by seed. */
function capSkinTones(art: EmojiArt[], opts: CatalogOptions): EmojiArt[] {
  const toned = new Map<string, EmojiArt[]>();
  const keep: EmojiArt[] = [];
  for (const a of art) {
    if (a.entry.tones.length === 0) keep.push(a);
    else {
      const k = `${a.entry.kind}/${a.style}`;
      const list = toned.get(k) ?? [];
      list.push(a);
      toned.set(k, list);
    }
  }
  for (const [k, list] of toned) {
    // uniform single-tone variants first (they are the common case), then rotate by a seeded offset
    const single = list.filter((a) => new Set(a.entry.tones).size === 1);
    const pool = single.length > 0 ? single : list;
    const start = hash32(k, opts.seed) % pool.length;
    for (let i = 0; i < Math.min(opts.skinVariantsPerStyle, pool.length); i++) {
      keep.push(pool[(start + Math.floor((i * pool.length) / opts.skinVariantsPerStyle)) % pool.length]);
    }
  }
  return keep;
}

export function packageVersion(name: string): string {
  const file = path.join(pkgDir(name), "package.json");
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version
    : "unknown";
}
