/**
 * Validity of a Structured Field Dictionary (RFC 8941 §3.2) as RFC 9213 §2 requires of targeted
 * fields such as CDN-Cache-Control: a parse failure makes the cache ignore the whole field. Only
 * the shapes cache directives use are accepted: bare items (integer, decimal, string, token,
 * boolean, byte sequence) with parameters; inner lists are refused. Regex-only: no allocation
 * beyond the match, never throws.
 */
const KEY = '[a-z*][a-z0-9_\\-.*]*';
const ITEM =
  '(?:-?[0-9]{1,15}(?:\\.[0-9]{1,3})?|"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\["\\\\])*"' +
  "|[A-Za-z*][A-Za-z0-9!#$%&'*+\\-.^_`|~:/]*|\\?[01]|:[A-Za-z0-9+/=]*:)";
const PARAMS = `(?:;[ ]*${KEY}(?:=${ITEM})?)*`;
const MEMBER = `${KEY}(?:=${ITEM})?${PARAMS}`;
const DICTIONARY = new RegExp(`^[ ]*${MEMBER}(?:[ \\t]*,[ \\t]*${MEMBER})*[ ]*$`);

export function isValidSfDictionary(value: string): boolean {
  return value.length > 0 && value.length <= 8192 && DICTIONARY.test(value);
}
