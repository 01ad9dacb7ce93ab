/** A Python 2 pickle of a list of str: protocol 2 (SHORT_BINSTRING) or protocol 0 (STRING with repr quoting). */
export function py2PickleList(items: string[], protocol: 0 | 2): Uint8Array {
  const out: number[] = [];
  const push = (...b: number[]) => out.push(...b);
  const latin1 = (s: string) => [...Buffer.from(s, "latin1")];
  if (protocol === 2) {
    push(0x80, 2, 0x5d, 0x71, 0, 0x28); // PROTO 2, EMPTY_LIST, BINPUT 0, MARK
    items.forEach((s, i) => {
      const b = latin1(s);
      push(0x55, b.length, ...b, 0x71, i + 1); // SHORT_BINSTRING, BINPUT
    });
    push(0x65, 0x2e); // APPENDS, STOP
  } else {
    push(...latin1("(lp0\n"));
    items.forEach((s, i) => {
      const repr = [...s]
        .map((c) => (c.charCodeAt(0) > 127 ? `\\x${c.charCodeAt(0).toString(16)}` : c))
        .join("");
      push(...latin1(`S'${repr}'\np${i + 1}\na`));
    });
    push(...latin1("."));
  }
  return new Uint8Array(out);
}
