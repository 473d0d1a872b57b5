/** Arbitraries of hostile input shared by the fuzz tests. */
import fc from 'fast-check';

/** Strings that have broken parsers, templates and queries elsewhere. */
export const NASTY_STRINGS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  "' OR '1'='1", "x'); DROP TABLE runs;--", '" OR ""="', '1; SELECT * FROM sqlite_master', '%', '_', '\\', "'",
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[x](command:workbench.action.terminal.new)', '{{value}}', '${process.exit()}',
  '\u0000', '\u001b[31mred', '\u202eevil', '\ud800', '\uffff', '😀'.repeat(3), 'a'.repeat(5000), '', ' ', '\n', '\r\n',
  '-1', '0', '1e309', 'NaN', 'Infinity', '-0', '9007199254740993', '0x10', '1_000', 'null', 'true', '[]', '{}',
  '../../etc/passwd', '/dev/zero', 'C:\\Windows', '%00', '%E0%A4%A', '%', '%%', '%ZZ',
] as const;

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** JSON values with prototype-pollution keys mixed into objects. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(nastyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Object.prototype and friends as they are now, to check nothing was added to them. */
export function prototypeState(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|');
}
