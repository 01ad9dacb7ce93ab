import { describe, expect, it } from "vitest";
import { colourShares, dominantColours, nameColour } from "@/lib/data/emoji/colour-names";
import { emojiCaptions } from "@/lib/data/emoji/emoji-captions";
import type { EmojiEntry } from "@/lib/data/emoji/emoji-catalog";
import {
  commonName,
  commonNouns,
  descriptiveTags,
  isPlural,
  readableName,
  withArticle,
} from "@/lib/data/emoji/emoji-words";

const entry = (over: Partial<EmojiEntry>): EmojiEntry => ({
  kind: "2764",
  hex: "2764",
  label: "red heart",
  baseLabel: "red heart",
  group: "smileys-emotion",
  subgroup: "heart",
  tags: [],
  tones: [],
  ...over,
});
const vocab = new Set(["love", "heart", "face", "smiling", "eyes", "hand", "wave", "yellow"]);

describe("colour names", () => {
  it.each([
    [[220, 40, 40], "red"],
    [[255, 204, 77], "yellow"], // Twemoji face yellow
    [[252, 194, 27], "yellow"], // Noto face yellow
    [[255, 140, 0], "orange"],
    [[40, 160, 60], "green"],
    [[40, 70, 220], "blue"],
    [[130, 50, 190], "purple"],
    [[250, 150, 200], "pink"],
    [[120, 70, 30], "brown"],
    [[20, 20, 20], "black"],
    [[49, 55, 61], "black"], // Twemoji dark grey
    [[153, 170, 181], "gray"], // Twemoji bluish grey
    [[250, 250, 250], "white"],
  ] as const)("names rgb %j %s", (rgb, name) => {
    expect(nameColour(rgb[0], rgb[1], rgb[2])).toBe(name);
  });

  it("measures dominant colours over opaque pixels only", () => {
    // 60% red, 40% yellow, plus transparent white that must not count
    const px: number[] = [];
    for (let i = 0; i < 60; i++) px.push(220, 30, 30, 255);
    for (let i = 0; i < 40; i++) px.push(250, 210, 40, 255);
    for (let i = 0; i < 500; i++) px.push(255, 255, 255, 0);
    const shares = colourShares(new Uint8Array(px), 1);
    expect(shares.map((s) => s.name)).toEqual(["red", "yellow"]);
    expect(shares[0].share).toBeCloseTo(0.6);
    expect(dominantColours(shares)).toEqual(["red", "yellow"]);
  });
});

describe("emoji captions", () => {
  it("says style, measured colour and name, 5–10 distinct captions", () => {
    const caps = emojiCaptions({
      entry: entry({ baseLabel: "heart suit", label: "heart suit" }),
      style: "twemoji",
      colours: ["red"],
      vocabulary: vocab,
      seed: 0,
      count: 8,
    });
    expect(caps[0]).toMatch(/^a (flat|flat vector|simple flat) red heart suit$/);
    expect(caps.length).toBeGreaterThanOrEqual(5);
    expect(caps.length).toBeLessThanOrEqual(10);
    expect(new Set(caps).size).toBe(caps.length);
    expect(caps.some((c) => c.includes("flat style"))).toBe(true);
  });

  it("does not repeat a colour the name already has, and uses the style's words", () => {
    const caps = emojiCaptions({
      entry: entry({}),
      style: "fluent",
      colours: ["red"],
      vocabulary: vocab,
      seed: 1,
      count: 6,
    });
    expect(caps.some((c) => /red red/.test(c))).toBe(false);
    expect(caps[0]).toMatch(/3D red heart$/);
  });

  it("names skin tones and keeps the person's colour out of the adjective", () => {
    const e = entry({
      kind: "1f44b",
      hex: "1f44b-1f3fd",
      baseLabel: "waving hand",
      label: "waving hand: medium skin tone",
      tones: [3],
      group: "people-body",
      subgroup: "hand-fingers-open",
    });
    expect(readableName(e)).toBe("waving hand with medium skin tone");
    const person = entry({
      baseLabel: "woman: red hair",
      label: "woman: red hair",
      group: "people-body",
      subgroup: "person",
    });
    expect(readableName(person)).toBe("woman with red hair");
    const caps = emojiCaptions({
      entry: person,
      style: "noto",
      colours: ["yellow"],
      vocabulary: vocab,
      seed: 0,
      count: 8,
    });
    expect(caps[0]).toMatch(/^a (cartoon-style|cartoon|hand-drawn cartoon) woman with red hair$/);
  });

  it("writes flags with their colours", () => {
    const flag = entry({
      baseLabel: "flag: Germany",
      label: "flag: Germany",
      group: "flags",
      subgroup: "country-flag",
    });
    expect(readableName(flag)).toBe("flag of Germany");
    const caps = emojiCaptions({
      entry: flag,
      style: "twemoji",
      colours: ["black", "red", "yellow"],
      vocabulary: vocab,
      seed: 0,
      count: 10,
    });
    expect(caps).toContain("black, red and yellow flag of Germany");
  });

  it("adds the common noun people type, with the measured colour, only when asked (commonName)", () => {
    const vehicle = (baseLabel: string, tags: string[]) =>
      entry({
        kind: baseLabel,
        hex: baseLabel,
        baseLabel,
        label: baseLabel,
        tags,
        group: "travel-places",
        subgroup: "transport-ground",
      });
    const entries = [
      vehicle("police car", ["police"]),
      vehicle("racing car", ["racing"]),
      vehicle("railway car", ["train"]),
      vehicle("sport utility vehicle", ["car", "drive", "utility"]),
      vehicle("up arrow", ["up"]),
      vehicle("down arrow", ["down"]),
      vehicle("left arrow", ["left"]),
      entry({ baseLabel: "face with open mouth", label: "face with open mouth", subgroup: "face-concerned" }),
      entry({ baseLabel: "zipper-mouth face", label: "zipper-mouth face", subgroup: "face-neutral" }),
      entry({ baseLabel: "face without mouth", label: "face without mouth", subgroup: "face-neutral" }),
      entry({ baseLabel: "hand over mouth", label: "hand over mouth", subgroup: "face-hand" }),
    ];
    const nouns = commonNouns(entries);
    // "car" ends three names; "vehicle" one; "arrow" three; "mouth" three, but a mouth is a part, never the thing
    expect([...nouns.keys()].sort()).toEqual(["arrow", "car"]);
    const suv = entries[3];
    expect(commonName(suv, nouns)).toBe("car");
    const grinning = entry({
      baseLabel: "grinning face",
      label: "grinning face",
      tags: ["mouth"],
      subgroup: "face-smiling",
    });
    expect(commonName(grinning, nouns)).toBeUndefined();
    const input = {
      entry: suv,
      style: "twemoji" as const,
      colours: ["blue" as const],
      vocabulary: vocab,
      seed: 0,
      count: 8,
    };
    const plain = emojiCaptions(input);
    const withCommon = emojiCaptions({ ...input, commonName: "car" });
    expect(plain).not.toContain("a blue car");
    expect(withCommon).toContain("a blue car");
    expect(withCommon).toHaveLength(plain.length);
    expect(withCommon[0]).toBe(plain[0]);
    // flags keep their own captions
    const flag = entry({
      baseLabel: "flag: Japan",
      label: "flag: Japan",
      group: "flags",
      subgroup: "country-flag",
    });
    const flagCaps = emojiCaptions({ ...input, entry: flag, colours: ["white", "red"], commonName: "flag" });
    expect(flagCaps).not.toContain("a white flag");
  });

  it("names an emoji by what its name is about, not by a part or by a word after 'with' (commonName)", () => {
    const e = (baseLabel: string, subgroup: string, tags: string[]) =>
      entry({ kind: baseLabel, hex: baseLabel, baseLabel, label: baseLabel, subgroup, tags });
    const entries = [
      e("red heart", "heart", ["heart"]),
      e("blue heart", "heart", ["heart"]),
      e("broken heart", "heart", ["heart"]),
      e("heart with arrow", "heart", ["arrow", "heart"]),
      e("up arrow", "arrow", ["arrow"]),
      e("down arrow", "arrow", ["arrow"]),
      e("bow and arrow", "tool", ["arrow"]),
      e("grinning cat", "cat-face", ["cat"]),
      e("crying cat", "cat-face", ["cat"]),
      e("weary cat", "cat-face", ["cat"]),
      e("cat face", "animal-mammal", ["cat", "face"]),
      e("tiger face", "animal-mammal", ["cat", "tiger"]),
      e("black cat", "animal-mammal", ["cat"]),
      e("guide dog", "animal-mammal", ["dog"]),
      e("service dog", "animal-mammal", ["dog"]),
      e("hot dog", "food-prepared", ["dog", "sausage"]),
      e("face with open mouth", "face-concerned", ["mouth"]),
      e("face without mouth", "face-neutral", ["mouth"]),
      e("zipper-mouth face", "face-neutral", ["mouth"]),
      e("closed mailbox with lowered flag", "mail", ["flag", "mailbox"]),
      e("open mailbox with raised flag", "mail", ["flag", "mailbox"]),
      e("white flag", "flag", ["flag"]),
    ];
    const nouns = commonNouns(entries);
    expect([...nouns.keys()].sort()).toEqual(["arrow", "cat", "dog", "flag", "heart"]); // not "mouth": a part
    const name = (label: string) =>
      commonName(entries.find((x) => x.baseLabel === label) ?? entries[0], nouns);
    expect(name("heart with arrow")).toBe("heart"); // not "arrow", though "arrow" ends more names
    expect(name("bow and arrow")).toBeUndefined(); // a bow first; and no other "arrow" among the tools
    expect(name("cat face")).toBe("cat");
    expect(name("tiger face")).toBeUndefined(); // a face is about the word before "face"
    expect(name("hot dog")).toBeUndefined(); // the only "dog" among foods
    expect(name("guide dog")).toBe("dog");
    // both mailboxes end in "flag", but a mailbox is what they are
    expect(name("closed mailbox with lowered flag")).toBeUndefined();
  });

  it("uses articles and plurals correctly", () => {
    expect(withArticle("apple")).toBe("an apple");
    expect(withArticle("unicorn")).toBe("a unicorn");
    expect(withArticle("folded hands")).toBe("folded hands");
    expect(withArticle("dress")).toBe("a dress");
    expect(withArticle("cooked rice")).toBe("cooked rice");
    expect(isPlural("glasses")).toBe(true);
    expect(isPlural("bus")).toBe(false);
  });

  it("keeps descriptive tags and drops slang, crude and name-repeating ones", () => {
    const e = entry({
      label: "smiling face",
      baseLabel: "smiling face",
      tags: ["love", "yolo", "sexy", "g2g", "smile", "wave", "lol"],
    });
    expect(descriptiveTags(e, new Set([...vocab, "sexy", "smile"]))).toEqual(["love", "wave"]);
  });

  it("is deterministic for a seed", () => {
    const a = emojiCaptions({
      entry: entry({}),
      style: "noto",
      colours: ["red"],
      vocabulary: vocab,
      seed: 5,
      count: 8,
    });
    const b = emojiCaptions({
      entry: entry({}),
      style: "noto",
      colours: ["red"],
      vocabulary: vocab,
      seed: 5,
      count: 8,
    });
    expect(a).toEqual(b);
  });
});
