/** English helpers for emoji captions: articles, plurals, readable names, categories, and a safe tag filter. */
import type { EmojiEntry } from "./emoji-catalog";

const COLOUR_WORDS = new Set([
  "red",
  "orange",
  "yellow",
  "green",
  "blue",
  "purple",
  "pink",
  "brown",
  "black",
  "white",
  "gray",
  "grey",
  "beige",
  "light",
  "dark",
  "golden",
  "silver",
]);

/** Tags that are slang, crude, violent or about identity: never put into captions. */
const TAG_BLOCKLIST = new Set([
  // too generic to say anything ("a wolf for face")
  "face",
  "eye",
  "eyes",
  "person",
  "adult",
  "hand",
  "object",
  "symbol",
  "animal",
  "body",
  "gender",
  "neutral",
  "man",
  "woman",
  "boy",
  "girl",
  "human",
  "thing",
  "other",
  "emoji",
  "sign",
  "sexy",
  "lust",
  "ass",
  "poo",
  "poop",
  "pile",
  "turd",
  "dung",
  "fart",
  "puke",
  "barf",
  "vomit",
  "kill",
  "dead",
  "death",
  "die",
  "died",
  "drunk",
  "gun",
  "bomb",
  "devil",
  "evil",
  "finger",
  "sick",
  "hell",
  "drug",
  "blood",
  "knife",
  "war",
  "crazy",
  "stupid",
  "ugly",
  "fat",
  "hate",
  "gay",
  "jew",
  "sex",
  "nude",
  "butt",
  "boss",
  "weapon",
  "liar",
  "mad",
  "rage",
  "fury",
  "swear",
  "cursing",
  "condom",
  "pregnant",
  "breast",
  "naked",
  "injury",
  "hurt",
  "pain",
  "cry",
  "sad",
  "lie",
  "mean",
  "bad",
  "nope",
  "ban",
  "prohibited",
  "forbidden",
  "not",
  "no",
  "explosive",
]);

export function isPlural(name: string): boolean {
  const head = name
    .split(/ with | in | of |:|,/)[0]
    .trim()
    .split(" ");
  const first = head[0].toLowerCase();
  if (["people", "men", "women", "children", "two", "three", "couple"].includes(first))
    return first !== "couple";
  const last = head[head.length - 1].toLowerCase();
  if (["feet", "teeth", "people", "men", "women", "children", "mice", "geese"].includes(last)) return true;
  return last.length > 3 && last.endsWith("s") && !/(ss|us|is|ys|os|ics|news|mrs\.|claus)$/.test(last);
}

/** "a"/"an"/"" for a noun phrase. */
const UNCOUNTABLE =
  /\b(rice|wood|sushi|oden|spaghetti|popcorn|butter|bacon|broccoli|garlic|ginger|honey|food|salt|clothing|money|mail|music)$/;

export function article(phrase: string): string {
  if (isPlural(phrase)) return "";
  if (UNCOUNTABLE.test(phrase.split(/ with | in | on | of |,/)[0].toLowerCase())) return "";
  const w = phrase.toLowerCase();
  if (/^(uni|use|usu|uk|one|eu|ufo|u-)/.test(w)) return "a";
  if (/^(hour|honest|8|11|18)/.test(w)) return "an";
  return /^[aeiou]/.test(w) ? "an" : "a";
}

export function withArticle(phrase: string): string {
  const a = article(phrase);
  return a ? `${a} ${phrase}` : phrase;
}

const TONE_WORDS = ["", "light", "medium-light", "medium", "medium-dark", "dark"];

/** Turn a CLDR label into a noun phrase: "flag: Germany" → "flag of Germany", "waving hand: medium skin tone" → "waving hand with medium skin tone". */
export function readableName(entry: EmojiEntry): string {
  let base = entry.baseLabel.replace(/[“”"]/g, "").replace("heart-eyes", "heart-shaped eyes");
  if (base.startsWith("flag: ")) base = `flag of ${base.slice(6)}`;
  else if (base.startsWith("family: ")) base = `family of ${base.slice(8).replace(/, ([^,]+)$/, " and $1")}`;
  else if (base.includes(": ")) {
    // "woman: red hair" → "woman with red hair", "man: bald" → "bald man", "person walking: facing right" → "... facing right"
    const [who, what] = base.split(": ");
    base =
      what === "bald"
        ? `bald ${who}`
        : /hair|beard/.test(what)
          ? `${who} with ${what}`
          : `${who} ${what.replace(/, /g, " ")}`;
  }
  if (entry.tones.length === 0) return base;
  const tones = [...new Set(entry.tones)].map((t) => TONE_WORDS[t]);
  const tonePhrase =
    tones.length === 1
      ? `${tones[0]} skin tone`
      : `${tones.slice(0, -1).join(", ")} and ${tones.at(-1)} skin tones`;
  return `${base} with ${tonePhrase}`;
}

export function nameHasColour(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[^a-z]+/)
    .some((w) => COLOUR_WORDS.has(w));
}

const SUBGROUP_NOUN: Record<string, string> = {
  "animal-mammal": "an animal",
  "animal-bird": "a bird",
  "animal-amphibian": "an animal",
  "animal-reptile": "a reptile",
  "animal-marine": "a sea creature",
  "animal-bug": "a bug",
  "plant-flower": "a flower",
  "plant-other": "a plant",
  "food-fruit": "a fruit",
  "food-vegetable": "a vegetable",
  "food-prepared": "food",
  "food-asian": "Asian food",
  "food-sweet": "a sweet",
  drink: "a drink",
  dishware: "tableware",
  "place-map": "a map",
  "place-geographic": "a landscape",
  "place-building": "a building",
  "place-religious": "a building",
  "place-other": "a place",
  "transport-ground": "a vehicle",
  "transport-water": "a boat",
  "transport-air": "an aircraft",
  time: "a clock",
  "sky-weather": "weather",
  event: "a celebration",
  "award-medal": "an award",
  sport: "sports gear",
  game: "a game",
  "arts-crafts": "arts and crafts",
  clothing: "clothing",
  sound: "a sound symbol",
  music: "music",
  "musical-instrument": "a musical instrument",
  phone: "a phone",
  computer: "a computer",
  "light-video": "a gadget",
  "book-paper": "paper",
  money: "money",
  mail: "mail",
  writing: "a writing tool",
  office: "office supplies",
  lock: "a lock",
  tool: "a tool",
  science: "science",
  medical: "medicine",
  household: "a household object",
  "other-object": "an object",
  heart: "a heart symbol",
  emotion: "an emotion",
  "cat-face": "a cat face",
  "monkey-face": "a monkey face",
  "body-parts": "a body part",
  family: "a family",
  "country-flag": "a national flag",
  "subdivision-flag": "a flag",
  flag: "a flag",
};
const GROUP_NOUN: Record<string, string> = {
  "smileys-emotion": "a smiley face",
  "people-body": "a person",
  "animals-nature": "nature",
  "food-drink": "food",
  "travel-places": "travel",
  activities: "an activity",
  objects: "an object",
  symbols: "a symbol",
  flags: "a flag",
};

export function categoryNoun(entry: EmojiEntry): string {
  if (entry.subgroup.startsWith("face-")) return "a face";
  if (entry.subgroup.startsWith("hand")) return "a hand gesture";
  return SUBGROUP_NOUN[entry.subgroup] ?? GROUP_NOUN[entry.group] ?? "an emoji";
}

/**
 * Keep only tags that are plain descriptive words: lower-case letters, every word also used somewhere in the
 * official (CLDR) emoji names — which rules out slang and abbreviations ("yolo", "g2g") — and not on the blocklist.
 */
export function descriptiveTags(entry: EmojiEntry, vocabulary: ReadonlySet<string>): string[] {
  // stems of the name's words: a tag that repeats the name ("smile" for "smiling face") adds nothing
  const nameStems = new Set(
    entry.label
      .toLowerCase()
      .split(/[^a-z]+/)
      .map((w) => w.slice(0, 4)),
  );
  return entry.tags.filter((t) => {
    if (!/^[a-z]+( [a-z]+)?$/.test(t)) return false;
    const words = t.split(" ");
    return words.every(
      (w) =>
        w.length >= 3 &&
        vocabulary.has(w) &&
        !TAG_BLOCKLIST.has(w) &&
        !COLOUR_WORDS.has(w) &&
        !nameStems.has(w.slice(0, 4)),
    );
  });
}

export function labelVocabulary(entries: readonly EmojiEntry[]): Set<string> {
  const v = new Set<string>();
  for (const e of entries)
    for (const w of e.label.toLowerCase().split(/[^a-z]+/)) if (w.length >= 3) v.add(w);
  return v;
}

/** words that end emoji names but say where, not what ("backhand index pointing right") */
const DIRECTION_WORDS = new Set(["up", "down", "left", "right"]);

/** tags that end emoji names but are a part or a property of the thing drawn, never the thing ("face with open mouth") */
const NOT_A_THING = new Set(["mouth", "nose", "tongue", "sweat", "tears", "volume"]);

/** A common noun: how many distinct emoji names it ends, and how many of them each subgroup holds. */
export interface CommonNoun {
  names: number;
  subgroups: Map<string, number>;
}

const words = (label: string) =>
  label
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);

/**
 * The words that say what an emoji is: its name before the first " with ", " in ", " of ", … ("heart" of "heart with
 * arrow", "pot" of "pot of food", "sun" of "sun behind cloud").
 */
export function nameHead(label: string): string[] {
  return words(label.toLowerCase().split(/ (?:with|without|in|on|behind|from|and|of|over)\b|:/)[0]);
}

/**
 * Nouns that end at least `min` emoji names ("car": police car, racing car, …; "tree": palm tree, evergreen tree, …):
 * the common words people type for a kind of thing.
 */
export function commonNouns(entries: readonly EmojiEntry[], min = 3): Map<string, CommonNoun> {
  const nouns = new Map<string, { subgroups: Map<string, Set<string>>; labels: Set<string> }>();
  for (const e of entries) {
    const label = e.baseLabel.toLowerCase();
    const head = words(label).at(-1);
    if (!head || [TAG_BLOCKLIST, COLOUR_WORDS, DIRECTION_WORDS, NOT_A_THING].some((s) => s.has(head)))
      continue;
    const n = nouns.get(head) ?? { subgroups: new Map<string, Set<string>>(), labels: new Set<string>() };
    n.labels.add(label);
    n.subgroups.set(e.subgroup, (n.subgroups.get(e.subgroup) ?? new Set<string>()).add(label));
    nouns.set(head, n);
  }
  const out = new Map<string, CommonNoun>();
  for (const [w, n] of nouns)
    if (n.labels.size >= min)
      out.set(w, {
        names: n.labels.size,
        subgroups: new Map([...n.subgroups].map(([g, labels]) => [g, labels.size])),
      });
  return out;
}

/**
 * The common noun among an emoji's tags that names its own kind ("car" for the sport utility vehicle, "tree" for the
 * palm tree), of several the one that ends the most names. It must end the name of another emoji of the same subgroup
 * ("mouth" is not a grinning face's; the hot dog is the only food named "dog"), and when the emoji's own name has the
 * word, or the emoji is a face, it must be what the name is about ("arrow" is not the "heart with arrow", "flag" not
 * the "mailbox with lowered flag", "cat" is the "cat face" but not the "tiger face").
 */
export function commonName(entry: EmojiEntry, nouns: ReadonlyMap<string, CommonNoun>): string | undefined {
  const own = words(entry.baseLabel);
  const head = nameHead(entry.baseLabel);
  // a face is about the word before "face" ("cat face"), or about nothing a tag names ("smiling face with hearts")
  const face = head.at(-1) === "face";
  const about = face ? head.at(-2) : head.at(-1);
  return entry.tags
    .filter((t) => {
      const inGroup = nouns.get(t)?.subgroups.get(entry.subgroup) ?? 0;
      const ownEnds = own.at(-1) === t ? 1 : 0;
      return inGroup - ownEnds >= 1 && (face || own.includes(t) ? about === t : true);
    })
    .sort((a, b) => (nouns.get(b)?.names ?? 0) - (nouns.get(a)?.names ?? 0) || (a < b ? -1 : 1))[0];
}
