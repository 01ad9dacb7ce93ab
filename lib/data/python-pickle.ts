import { DatasetImportError } from "./import-error";

/**
 * A data-only reader for the Python pickles of the StackGAN/Reed releases (filenames.pickle, class_info.pickle).
 * They were written by Python 2, so `str` values are raw bytes: they are decoded as latin-1, as Python 3's
 * `pickle.load(f, encoding="latin1")` does. Protocols 0–4 for lists, tuples, dicts, strings, numbers, None, booleans.
 * Anything that would run code (GLOBAL, REDUCE, BUILD, ...) is refused: a pickle from an upload is untrusted.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleValue[]
  | { [k: string]: PickleValue };

const MARK = Symbol("mark");
type StackItem = PickleValue | typeof MARK | Map<PickleValue, PickleValue>;

export function readPickle(bytes: Uint8Array, file = "pickle"): PickleValue {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, StackItem>();
  let pos = 0;
  const fail = (why: string): never => {
    throw new DatasetImportError("FORMAT_INVALID", `Cannot read ${file} as a data pickle: ${why}.`, file);
  };
  const need = (n: number) => {
    if (pos + n > buf.length) fail("it ends early");
  };
  const readLine = (): string => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) fail("a text field has no newline");
    const s = buf.toString("latin1", pos, end);
    pos = end + 1;
    return s;
  };
  const popMark = (): StackItem[] => {
    const items: StackItem[] = [];
    for (;;) {
      if (stack.length === 0) fail("MARK missing");
      const v = stack.pop();
      if (v === MARK) return items.reverse();
      items.push(v as StackItem);
    }
  };
  const top = (): StackItem => {
    if (stack.length === 0) fail("stack underflow");
    return stack[stack.length - 1];
  };
  const setItem = (d: StackItem, k: StackItem, v: StackItem) => {
    if (typeof d !== "object" || d === null || Array.isArray(d)) fail("SETITEM on a non-dict");
    (d as Record<string, PickleValue>)[String(k)] = v as PickleValue;
  };
  for (;;) {
    need(1);
    const op = buf[pos++];
    switch (op) {
      case 0x80: // PROTO
        need(1);
        pos += 1;
        break;
      case 0x95: // FRAME
        need(8);
        pos += 8;
        break;
      case 0x2e: {
        // STOP
        const v = stack.pop();
        if (v === undefined || v === MARK) return fail("nothing to return");
        return v as PickleValue;
      }
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x8f: // EMPTY_SET
        stack.push([]);
        break;
      case 0x6c: // LIST
      case 0x74: // TUPLE
        stack.push(popMark() as PickleValue[]);
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        if (stack.length < n) fail("stack underflow");
        stack.push(stack.splice(stack.length - n, n) as PickleValue[]);
        break;
      }
      case 0x61: {
        // APPEND
        const v = stack.pop();
        const l = top();
        if (!Array.isArray(l)) return fail("APPEND on a non-list");
        l.push(v as PickleValue);
        break;
      }
      case 0x65: // APPENDS
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) return fail("APPENDS on a non-list");
        l.push(...(items as PickleValue[]));
        break;
      }
      case 0x64: {
        // DICT
        const items = popMark();
        const d: Record<string, PickleValue> = {};
        for (let i = 0; i + 1 < items.length; i += 2) d[String(items[i])] = items[i + 1] as PickleValue;
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = stack.pop() as StackItem;
        const k = stack.pop() as StackItem;
        setItem(top(), k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = top();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 0x70: // PUT
        memo.set(Number(readLine()), top());
        break;
      case 0x71: // BINPUT
        need(1);
        memo.set(buf[pos++], top());
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memo.set(buf.readUInt32LE(pos), top());
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET
        stack.push(memoGet(memo, Number(readLine()), fail));
        break;
      case 0x68: // BINGET
        need(1);
        stack.push(memoGet(memo, buf[pos++], fail));
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        stack.push(memoGet(memo, buf.readUInt32LE(pos), fail));
        pos += 4;
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        need(1);
        stack.push(buf[pos++]);
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(buf.readUInt16LE(pos));
        pos += 2;
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(buf.readInt32LE(pos));
        pos += 4;
        break;
      case 0x49: {
        // INT (protocol 0); "00"/"01" are False/True
        const s = readLine();
        stack.push(s === "00" ? false : s === "01" ? true : Number(s));
        break;
      }
      case 0x4c: // LONG (protocol 0)
        stack.push(Number(readLine().replace(/L$/, "")));
        break;
      case 0x8a: {
        // LONG1
        need(1);
        const n = buf[pos++];
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i]);
        if (n > 0 && buf[pos + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(
          v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v,
        );
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x46: // FLOAT
        stack.push(Number(readLine()));
        break;
      case 0x53: // STRING (protocol 0): a Python repr, quoted
        stack.push(unquotePy2(readLine(), fail));
        break;
      case 0x55: {
        // SHORT_BINSTRING: Python 2 str, bytes → latin-1
        need(1);
        const n = buf[pos++];
        need(n);
        stack.push(buf.toString("latin1", pos, pos + n));
        pos += n;
        break;
      }
      case 0x54: {
        // BINSTRING
        need(4);
        const n = buf.readUInt32LE(pos);
        pos += 4;
        need(n);
        stack.push(buf.toString("latin1", pos, pos + n));
        pos += n;
        break;
      }
      case 0x56: // UNICODE (protocol 0, raw-unicode-escape)
        stack.push(
          readLine().replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
        );
        break;
      case 0x8c: {
        // SHORT_BINUNICODE
        need(1);
        const n = buf[pos++];
        need(n);
        stack.push(buf.toString("utf8", pos, pos + n));
        pos += n;
        break;
      }
      case 0x58: {
        // BINUNICODE
        need(4);
        const n = buf.readUInt32LE(pos);
        pos += 4;
        need(n);
        stack.push(buf.toString("utf8", pos, pos + n));
        pos += n;
        break;
      }
      case 0x30: // POP
        stack.pop();
        break;
      default:
        return fail(
          `opcode 0x${op.toString(16)} at byte ${pos - 1} is not plain data (objects and code are refused for safety)`,
        );
    }
  }
}

function memoGet(memo: Map<number, StackItem>, k: number, fail: (why: string) => never): StackItem {
  if (!memo.has(k)) fail(`memo key ${k} missing`);
  return memo.get(k) as StackItem;
}

/** Python 2 repr of a str: 'abc' or "abc" with backslash escapes (\\xNN, \\n, \\', ...), bytes as latin-1. */
function unquotePy2(s: string, fail: (why: string) => never): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) fail("a STRING is not quoted");
  const body = s.slice(1, -1);
  const simple: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "0": "\0",
  };
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length === 3 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : (simple[e] ?? e),
  );
}
