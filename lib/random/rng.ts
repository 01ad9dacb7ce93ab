/**
 * A counter-based PRNG: value k of a stream is hash(seed, k), so the whole state is {seed, counter}
 * (two numbers, trivially saved in checkpoints) and any stream can be derived from a seed on any machine.
 * Not cryptographic. Used for weight init, noise, data order: never Math.random.
 */
export interface RngState {
  seed: number;
  counter: number;
}

/** Chris Wellons' lowbias32 integer hash: good avalanche, 32-bit ops only. */
function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mix a string or number label into a 32-bit seed. */
export function mixSeed(seed: number, label: number | string): number {
  let h = hash32((seed >>> 0) ^ 0x9e3779b9);
  if (typeof label === "number") return hash32(h ^ hash32(label >>> 0) ^ hash32(Math.floor(label / 2 ** 32)));
  for (let i = 0; i < label.length; i++) h = hash32(h ^ label.charCodeAt(i));
  return h;
}

export class Rng {
  private readonly seed: number;
  private counter: number;
  private readonly key: number;

  constructor(seed: number, counter = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    this.seed = seed >>> 0;
    this.counter = counter;
    this.key = hash32(this.seed ^ 0x85ebca6b);
  }

  static fromState(s: RngState): Rng {
    return new Rng(s.seed, s.counter);
  }

  state(): RngState {
    return { seed: this.seed, counter: this.counter };
  }

  /** An independent stream named by `label` (does not advance this one). */
  fork(label: number | string): Rng {
    return new Rng(mixSeed(this.seed, label));
  }

  nextUint32(): number {
    const c = this.counter++;
    const lo = c >>> 0;
    const hi = Math.floor(c / 2 ** 32);
    return hash32(hash32(lo ^ this.key) ^ hash32(hi + this.key) ^ this.key);
  }

  /** uniform in [0, 1) with 32 bits of resolution */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** standard normal (Box–Muller; two uniforms per value so the state stays a plain counter) */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  normals(n: number, std = 1, mean = 0): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** standard normals redrawn until |x| <= bound (bound = truncation; Infinity disables it) */
  truncatedNormals(n: number, bound: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let x = this.normal();
      for (let tries = 0; Math.abs(x) > bound && tries < 1000; tries++) x = this.normal();
      out[i] = Math.abs(x) > bound ? Math.sign(x) * bound : x;
    }
    return out;
  }

  /** Fisher–Yates permutation of 0..n-1 */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
