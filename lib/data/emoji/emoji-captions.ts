import { hash32 } from "../seeded-hash";
import type { ColourName } from "./colour-names";
import type { EmojiEntry, EmojiStyle } from "./emoji-catalog";
import { categoryNoun, descriptiveTags, nameHasColour, readableName, withArticle } from "./emoji-words";

const STYLE: Record<EmojiStyle, { adj: string[]; noun: string[]; phrase: string }> = {
  fluent: {
    adj: ["glossy 3D", "3D", "shiny 3D"],
    noun: ["3D render", "3D emoji", "3D icon"],
    phrase: "3D style",
  },
  noto: {
    adj: ["cartoon-style", "cartoon", "hand-drawn cartoon"],
    noun: ["cartoon drawing", "cartoon emoji", "cartoon illustration"],
    phrase: "cartoon style",
  },
  twemoji: {
    adj: ["flat", "flat vector", "simple flat"],
    noun: ["flat icon", "flat emoji", "flat illustration"],
    phrase: "flat style",
  },
};

function listWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function nameSays(name: string, category: string): boolean {
  const head = category.split(" ").at(-1) ?? "";
  return name
    .toLowerCase()
    .split(/[^a-z]+/)
    .includes(head);
}

export interface CaptionInput {
  entry: EmojiEntry;
  style: EmojiStyle;
  /** dominant colours measured from the pixels, most common first */
  colours: ColourName[];
  vocabulary: ReadonlySet<string>;
  seed: number;
  /** captions wanted (5..10) */
  count: number;
  /** the common noun people type for it ("car" for the sport utility vehicle; commonName), said with its colour */
  commonName?: string;
}

/**
 * Captions a person might type for one emoji picture: its name, its art style, the colours measured from its pixels,
 * its category and a descriptive tag. The first caption is always the full one ("a flat red heart").
 */
export function emojiCaptions({
  entry,
  style,
  colours,
  vocabulary,
  seed,
  count,
  commonName,
}: CaptionInput): string[] {
  const name = readableName(entry);
  const h = hash32(`${entry.hex}/${style}`, seed);
  const pick = <T>(xs: T[], salt: number): T => xs[(h >>> salt) % xs.length];
  const st = STYLE[style];
  const adj = pick(st.adj, 1);
  const noun = pick(st.noun, 5);
  const isFlag = entry.group === "flags";
  const isPerson =
    entry.group === "people-body" && !entry.subgroup.startsWith("hand") && entry.subgroup !== "body-parts";
  // a colour adjective reads well before objects ("a red heart"), badly before people or when the name has one
  const colourAdj = !isFlag && !isPerson && !nameHasColour(name) && colours[0] ? `${colours[0]} ` : "";
  const colourList = listWords(colours);
  const tags = descriptiveTags(entry, vocabulary);
  const tag = tags.length > 0 ? pick(tags, 9) : undefined;
  const category = categoryNoun(entry);

  const main = withArticle(`${adj} ${colourAdj}${name}`);
  const candidates = [
    main,
    `${withArticle(`${colourAdj}${name}`)}, ${st.phrase}`,
    `${withArticle(noun)} of ${withArticle(`${colourAdj}${name}`)}`,
    `${colourAdj}${name} emoji`,
    // what a person types for a kind of thing: "a blue car" for the sport utility vehicle, "a green tree" for the palm
    ...(commonName && !isFlag && !isPerson ? [withArticle(`${colours[0] ?? ""} ${commonName}`.trim())] : []),
    // "a yellow square in yellow" says nothing: only list colours the name does not already give
    colourList && !(nameHasColour(name) && colours.length < 2)
      ? `${withArticle(name)} in ${colourList}, ${st.phrase}`
      : `${name} in ${st.phrase}`,
    `${withArticle(`${adj} ${name}`)} on a white background`,
    // "a fox, an animal, as a flat icon"; the category is left out when the name already says it ("hot face, a face")
    nameSays(name, category)
      ? `${withArticle(name)} as ${withArticle(noun)}`
      : `${withArticle(name)}, ${category}, as ${withArticle(noun)}`,
    // keyword style, as prompts are often typed: "a flat red heart, love"
    tag ? `${withArticle(`${adj} ${colourAdj}${name}`)}, ${tag}` : `${withArticle(`${adj} ${name}`)} icon`,
    isFlag && colourList ? `${colourList} ${name}` : `${withArticle(`${colourAdj}${name}`)} icon`,
    `${adj} ${name}`,
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of candidates) {
    const clean = c.replace(/\s+/g, " ").trim();
    if (!seen.has(clean.toLowerCase())) {
      seen.add(clean.toLowerCase());
      out.push(clean);
    }
  }
  return out.slice(0, Math.max(5, Math.min(10, count)));
}
