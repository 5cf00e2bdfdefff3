/**
 * Where a JSON text stops being JSON. V8's JSON.parse messages do not always carry a position
 * (and their wording changes between Node versions), so this small recursive-descent scanner
 * (RFC 8259) finds the offset of the first error and says what it expected there. It also
 * refuses duplicate keys, which JSON.parse silently resolves to the last (RFC 8259 §4: names
 * SHOULD be unique) — in a config, a second `timeout` is a mistake worth naming.
 */

export interface JsonError {
  offset: number;
  reason: string;
}

export function findJsonError(text: string): JsonError | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw { offset: i, reason } satisfies JsonError;
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const unexpected = (what: string) =>
    fail(
      i >= text.length
        ? `unexpected end of input; expected ${what}`
        : `unexpected ${JSON.stringify(text[i])}; expected ${what}`,
    );
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail('control character in string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (text[i] === undefined || !'"\\/bfnrt'.includes(text[i]!)) fail('invalid escape in string');
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return text.slice(start, i);
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') {
      str();
      return;
    }
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m === null) return unexpected('a value');
    i += m[0].length;
  };
  const container = (close: string, isObject: boolean) => {
    i++;
    ws();
    const keys = new Set<string>();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      if (isObject) {
        ws();
        if (text[i] !== '"') unexpected('a property name in double quotes');
        const at = i;
        const key = JSON.parse(str()) as string;
        if (keys.has(key)) {
          i = at;
          fail(`duplicate key ${JSON.stringify(key)}`);
        }
        keys.add(key);
        ws();
        if (text[i] !== ':') unexpected('":"');
        i++;
      }
      value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return;
      } else unexpected(`"," or "${close}"`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) unexpected('end of input');
    return null;
  } catch (e) {
    // Our own throw carries an offset; anything else (stack overflow on absurd nesting) is no answer.
    return typeof e === 'object' && e !== null && 'offset' in e ? (e as JsonError) : null;
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
