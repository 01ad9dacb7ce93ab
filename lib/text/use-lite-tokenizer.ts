/**
 * The Universal Sentence Encoder Lite tokenizer, reproduced exactly (token for token) from the reference
 * JavaScript implementation that ships with the model (@tensorflow-models/universal-sentence-encoder, also
 * @energetic-ai/embeddings). It is a sentencepiece-style Viterbi over piece scores, but with quirks that a
 * standard Unigram tokenizer.json cannot express, so they are kept here on purpose:
 *  - a position where no piece starts gets an unknown token (id 0) with score 0, which beats any real piece;
 *  - a best score of exactly 0 counts as "unset", so any later candidate replaces it; ties go to the later start;
 *  - consecutive unknown tokens are merged into one;
 *  - the lattice runs over code points, the backward pass steps by the piece's UTF-16 length (equal for
 *    this vocabulary, which has no astral characters; unknown emoji are one code point each).
 */

export const USE_LITE_SEPARATOR = "\u2581"; // "▁", sentencepiece's word boundary
export const USE_LITE_UNK_ID = 0;
const RESERVED_SYMBOLS = 6; // "�", <s>, </s>, extra_token_id_1..3: never produced by matching

/** [piece, log-probability score], in id order. */
export type UseLiteVocab = [string, number][];

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set when a piece ends here: its id and score (a later duplicate overwrites, as in the original). */
  id: number;
  score: number;
  end: boolean;
}

const newNode = (): TrieNode => ({ children: new Map(), id: 0, score: 0, end: false });

export class UseLiteTokenizer {
  private readonly root = newNode();
  /** UTF-16 length of each piece, used by the backward pass exactly as the original does. */
  private readonly pieceLength: number[];

  constructor(readonly vocab: UseLiteVocab) {
    this.pieceLength = vocab.map(([p]) => p.length);
    for (let id = RESERVED_SYMBOLS; id < vocab.length; id++) {
      const [piece, score] = vocab[id];
      let node = this.root;
      for (const ch of piece) {
        let next = node.children.get(ch);
        if (!next) {
          next = newNode();
          node.children.set(ch, next);
        }
        node = next;
      }
      node.end = true;
      node.id = id;
      node.score = score;
    }
  }

  /** The text the lattice runs over: NFKC, spaces → "▁", a leading "▁" (nothing for an empty string). */
  static preprocess(text: string): string {
    const normalized = text.normalize("NFKC");
    return normalized.length > 0 ? USE_LITE_SEPARATOR + normalized.replaceAll(" ", USE_LITE_SEPARATOR) : "";
  }

  encode(text: string): number[] {
    const symbols = Array.from(UseLiteTokenizer.preprocess(text)); // code points
    const n = symbols.length;
    // edges[end] = list of (start, id, score), in increasing start order (the original iterates an object
    // keyed by start, which JavaScript enumerates in ascending integer order).
    const edges: { start: number; len: number; id: number; score: number }[][] = [];
    for (let i = 0; i <= n; i++) edges.push([]);
    for (let i = 0; i < n; i++) {
      let node = this.root.children.get(symbols[i]);
      let found = false;
      for (let j = i; j < n && node; j++) {
        if (node.end) {
          edges[j + 1].push({ start: i, len: j + 1 - i, id: node.id, score: node.score });
          found = true;
        }
        node = j + 1 < n ? node.children.get(symbols[j + 1]) : undefined;
      }
      if (!found) edges[i + 1].push({ start: i, len: 1, id: USE_LITE_UNK_ID, score: 0 });
    }
    for (const list of edges) list.sort((a, b) => a.start - b.start);

    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      for (const e of edges[end]) {
        const score = e.score + best[end - e.len];
        if (best[end] === 0 || score >= best[end]) {
          best[end] = score;
          words[end] = e.id;
        }
      }
    }

    const reversed: number[] = [];
    for (let iter = n; iter > 0; iter -= this.pieceLength[words[iter]]) reversed.push(words[iter]);
    const merged: number[] = [];
    let previousUnk = false;
    for (const id of reversed) {
      if (!(previousUnk && id === USE_LITE_UNK_ID)) merged.push(id);
      previousUnk = id === USE_LITE_UNK_ID;
    }
    return merged.reverse();
  }
}
