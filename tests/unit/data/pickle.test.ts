import { describe, expect, it } from "vitest";
import { DatasetImportError, readPickle } from "@/lib/data";
import { py2PickleList } from "./py2-pickle";

describe("readPickle (Python 2 data pickles)", () => {
  it("reads protocol 2 lists of str, decoding bytes as latin-1", () => {
    const names = ["001.Black_footed_Albatross/Black_Footed_Albatross_0046_18", "Caf\u00e9"];
    expect(readPickle(py2PickleList(names, 2))).toEqual(names);
  });

  it("reads protocol 0 (repr-quoted STRING with \\x escapes)", () => {
    const names = ["a/b_1", "Caf\u00e9 \u00fcber", "it's"];
    expect(readPickle(py2PickleList(names, 0))).toEqual(names);
  });

  it("reads Python 3 unicode, ints, tuples and dicts", () => {
    // pickle.dumps({"a": [1, 300, 70000], "b": ("x", None, True)}, protocol=2), from CPython
    const p2 =
      "80027d71002858010000006171015d7102284b014d2c014a7011010065580100000062710358010000007871044e88877105752e";
    expect(readPickle(Buffer.from(p2, "hex"))).toEqual({ a: [1, 300, 70000], b: ["x", null, true] });
    // protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, LONG1, BINFLOAT): {"a": [1, 300, 70000, -5, 2**40, 1.5], ...}
    const p4 =
      "80049539000000000000007d94288c0161945d94284b014d2c014a701101004afbffffff8a06000000000001473ff8000000000000" +
      "658c0162948c0178944e888794752e";
    expect(readPickle(Buffer.from(p4, "hex"))).toEqual({
      a: [1, 300, 70000, -5, 2 ** 40, 1.5],
      b: ["x", null, true],
    });
  });

  it("refuses pickles that would run code", () => {
    // pickle.dumps(os.system) style: GLOBAL 'os\nsystem'
    const evil = Buffer.from("cos\nsystem\n(S'echo hi'\ntR.", "latin1");
    expect(() => readPickle(evil, "evil.pickle")).toThrow(DatasetImportError);
    expect(() => readPickle(evil, "evil.pickle")).toThrow(/not plain data/);
  });

  it("refuses a truncated pickle", () => {
    const good = py2PickleList(["abc"], 2);
    expect(() => readPickle(good.subarray(0, good.length - 4))).toThrow(/ends early|MARK|stack/);
  });
});
