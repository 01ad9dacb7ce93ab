import type { TfjsGraphModel, TfNode } from "./tfjs-graph-model";

/**
 * Exact, structure-checked simplifications of TF idioms that would otherwise become dozens of tiny ONNX ops
 * (each costs ~10 µs per run in onnxruntime, which dominates latency at batch 1). Each rewrite replaces one
 * node by an equivalent node with a pseudo-op the translator knows; the subgraph it no longer reads is then
 * never emitted. A pattern that does not match exactly is left alone, so the plain translation still applies.
 *   layer norm   mean/sub/square/mean/add/rsqrt/mul/mul/add   → GanvasLayerNorm(x, scale, bias) {eps}
 *   reshape      Reshape(x, Pack(dim i of Shape(x) | const)) → GanvasReshape(x) {shape with 0 = keep dim i}
 *   tensordot    Reshape(MatMul(Reshape(x, [-1, k]), W), …)  → MatMul(x, W)  (contraction over x's last axis)
 */
export function findRewrites(model: TfjsGraphModel): Map<string, TfNode> {
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const node = (ref: string | undefined): TfNode | undefined =>
    ref === undefined || ref.includes(":") ? undefined : byName.get(ref);
  const constOf = (ref: string | undefined): number[] | undefined => {
    const n = node(ref);
    const w = n?.op === "Const" ? model.weights.get(n.name) : undefined;
    return w ? Array.from(w.data) : undefined;
  };
  const is = (ref: string | undefined, op: string): TfNode | undefined => {
    const n = node(ref);
    return n?.op === op ? n : undefined;
  };
  const same = (a: number[] | undefined, b: number[]) =>
    a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
  const keepDims = (n: TfNode) => Boolean(n.attr?.keep_dims?.b);

  const out = new Map<string, TfNode>();
  for (const n of model.nodes) {
    const r = layerNorm(n) ?? reshape(n) ?? tensordot(n);
    if (r) out.set(n.name, r);
  }
  return out;

  function layerNorm(add1: TfNode): TfNode | undefined {
    if (add1.op !== "Add") return undefined;
    const [mul1Ref, bias] = add1.input ?? [];
    const mul1 = is(mul1Ref, "Mul");
    const mul = is(mul1?.input?.[0], "Mul");
    const sub = is(mul1?.input?.[1], "Sub");
    const scale = mul?.input?.[0];
    const rsqrt = is(mul?.input?.[1], "Rsqrt");
    const addEps = is(rsqrt?.input?.[0], "Add");
    const mean1 = is(addEps?.input?.[0], "Mean");
    const eps = constOf(addEps?.input?.[1]);
    const square = is(mean1?.input?.[0], "Square");
    const mean0 = is(sub?.input?.[1], "Mean");
    const x = sub?.input?.[0];
    if (!mul1 || !sub || !rsqrt || !mean1 || !square || !mean0 || !eps || eps.length !== 1 || !x)
      return undefined;
    if (square.input?.[0] !== sub.name || mean0.input?.[0] !== x) return undefined;
    if (!same(constOf(mean0.input?.[1]), [-1]) || !same(constOf(mean1.input?.[1]), [-1])) return undefined;
    if (!keepDims(mean0) || !keepDims(mean1) || !constOf(scale) || !constOf(bias)) return undefined;
    return {
      name: add1.name,
      op: "GanvasLayerNorm",
      input: [x, scale as string, bias],
      attr: { eps: { f: eps[0] } },
    };
  }

  /** Index of the dim a StridedSlice takes from Shape(data) (begin i, end i+1, shrink), or undefined. */
  function dimOf(ref: string, data: string): number | undefined {
    const ss = is(ref, "StridedSlice");
    const shape = is(ss?.input?.[0], "Shape");
    if (!ss || !shape || shape.input?.[0] !== data) return undefined;
    const [b, e, s] = [constOf(ss.input?.[1]), constOf(ss.input?.[2]), constOf(ss.input?.[3])];
    const masks = ["begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask"].map((k) =>
      Number(ss.attr?.[k]?.i ?? 0),
    );
    if (!b || !e || !s || b.length !== 1 || e[0] !== b[0] + 1 || s[0] !== 1 || b[0] < 0) return undefined;
    if (masks.some((m) => m !== 0) || Number(ss.attr?.shrink_axis_mask?.i ?? 0) !== 1) return undefined;
    return b[0];
  }

  function reshape(n: TfNode): TfNode | undefined {
    if (n.op !== "Reshape") return undefined;
    const [data, shapeRef] = n.input ?? [];
    const pack = is(shapeRef, "Pack");
    if (!pack || Number(pack.attr?.axis?.i ?? 0) !== 0) return undefined;
    const shape: number[] = [];
    for (const [i, ref] of (pack.input ?? []).entries()) {
      const c = constOf(ref);
      if (c && c.length === 1 && c[0] > 0) shape.push(c[0]);
      else if (dimOf(ref, data) === i)
        shape.push(0); // ONNX Reshape: 0 copies the input's dim at this index
      else return undefined;
    }
    return { name: n.name, op: "GanvasReshape", input: [data], attr: { shape: { list: { i: shape } } } };
  }

  function tensordot(r2: TfNode): TfNode | undefined {
    if (r2.op !== "Reshape") return undefined;
    const mm = is(r2.input?.[0], "MatMul");
    const r1 = is(mm?.input?.[0], "Reshape");
    const w = mm?.input?.[1];
    const wShape = node(w)?.op === "Const" ? model.weights.get(w as string)?.shape : undefined;
    if (!mm || !r1 || !wShape || wShape.length !== 2 || mm.attr?.transpose_a?.b || mm.attr?.transpose_b?.b)
      return undefined;
    const x = r1.input?.[0] as string;
    // r1's shape: Pack(Prod(Gather(Shape(x), free)), Prod(Gather(Shape(x), [last])))
    const pack = is(r1.input?.[1], "Pack");
    const gatherOf = (ref: string | undefined) => {
      const g = is(ref, "GatherV2");
      const s = is(g?.input?.[0], "Shape");
      return g && s?.input?.[0] === x && same(constOf(g.input?.[2]), [0]) ? constOf(g.input?.[1]) : undefined;
    };
    const free = gatherOf(is(pack?.input?.[0], "Prod")?.input?.[0]);
    const contr = gatherOf(is(pack?.input?.[1], "Prod")?.input?.[0]);
    // r2's shape: Concat(Gather(Shape(x), free), [Wout])
    const concat = is(r2.input?.[1], "ConcatV2");
    if (!free || !contr || !concat || (concat.input ?? []).length !== 3) return undefined;
    const rank = free.length + 1;
    if (!same(free, [...Array(rank - 1).keys()]) || !same(contr, [rank - 1])) return undefined;
    if (!same(gatherOf(concat.input?.[0]), free) || !same(constOf(concat.input?.[1]), [wShape[1]]))
      return undefined;
    if (!same(constOf(concat.input?.[2]), [0])) return undefined;
    return { name: r2.name, op: "MatMul", input: [x, w as string] };
  }
}
