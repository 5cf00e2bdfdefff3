/**
 * Label children cached in nested maps, one level per label, so the hot path allocates no label
 * object (docs/architecture.md, "No allocation on the hot path"). A lookup walks up to five Map.get
 * calls with the raw values (numbers stay numbers: no String(status) per request); the label
 * strings and the prom-client child are built once, on the first miss for a tuple.
 */

export type LabelValue = string | number;

type Node<C> = Map<LabelValue, Node<C> | C>;

export class ChildCache<C> {
  readonly #root: Node<C> = new Map();
  readonly #depth: number;
  readonly #make: (values: string[]) => C;
  // The last tuple looked up and its child. A request's events repeat their tuple (request.start
  // and request.done share the in-flight gauge's), and traffic runs in streaks of one route and
  // status, so most lookups end at these compares, without the Map walk.
  #last: C | undefined = undefined;
  #a: LabelValue = '';
  #b: LabelValue = '';
  #c: LabelValue = '';
  #d: LabelValue = '';
  #e: LabelValue = '';

  /** `make` receives the label values as strings, in order, and returns the prom-client child. */
  constructor(depth: number, make: (values: string[]) => C) {
    if (depth < 1 || depth > 5) throw new RangeError('ChildCache depth must be 1..5');
    this.#depth = depth;
    this.#make = make;
  }

  /** Fixed parameters rather than a rest array, so a hit allocates nothing. */
  get(a: LabelValue, b: LabelValue = '', c: LabelValue = '', d: LabelValue = '', e: LabelValue = ''): C {
    const last = this.#last;
    if (
      last !== undefined &&
      a === this.#a &&
      b === this.#b &&
      c === this.#c &&
      d === this.#d &&
      e === this.#e
    ) {
      return last;
    }
    const child = this.#lookup(a, b, c, d, e);
    this.#last = child;
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    this.#e = e;
    return child;
  }

  #lookup(a: LabelValue, b: LabelValue, c: LabelValue, d: LabelValue, e: LabelValue): C {
    let node = this.#root;
    const last = this.#depth - 1;
    for (let i = 0; i < last; i++) {
      const key = i === 0 ? a : i === 1 ? b : i === 2 ? c : d;
      let next = node.get(key) as Node<C> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(key, next);
      }
      node = next;
    }
    const key = last === 0 ? a : last === 1 ? b : last === 2 ? c : last === 3 ? d : e;
    let child = node.get(key) as C | undefined;
    if (child === undefined) {
      child = this.#make([a, b, c, d, e].slice(0, this.#depth).map(String));
      node.set(key, child);
    }
    return child;
  }
}
