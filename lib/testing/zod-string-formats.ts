/**
 * Generators for the string formats of zod 4 whose regular expression fast-check cannot
 * walk (`fc.stringMatching` has no lookahead) or which zod checks with code rather than a
 * pattern. Every other format is generated from the pattern zod itself checks.
 */
import fc from 'fast-check';

/** What a `string_format` check holds, as zod 4 defines it (the fields read here). */
export interface FormatCheck {
  readonly format: string;
  readonly pattern?: RegExp | undefined;
  /** `z.httpUrl()`: the protocols allowed. */
  readonly protocol?: RegExp | undefined;
  /** `z.jwt({ alg })`. */
  readonly alg?: string | undefined;
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

const jwt = (alg: string | undefined): fc.Arbitrary<string> =>
  fc
    .tuple(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3, noNullPrototype: true }), fc.base64String())
    .map(
      ([payload, signature]) =>
        `${base64url(JSON.stringify({ alg: alg ?? 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.` +
        Buffer.from(signature, 'base64').toString('base64url'),
    );

const emoji = fc
  .array(fc.constantFrom('😀', '🎉', '🚀', '👍', '❤️', '🇫🇷', '👩‍💻', '1️⃣'), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''));

const segment = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,8}$/);

/**
 * URLs: scheme, domain, optional port, path and query (built here: fast-check's own
 * webUrl() takes seconds to construct, for path characters URLs rarely have).
 */
const url = (schemes: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...schemes),
      fc.domain(),
      fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      fc.array(segment, { maxLength: 3 }),
      fc.option(fc.tuple(segment, segment), { nil: undefined }),
    )
    .map(
      ([scheme, domain, port, path, query]) =>
        `${scheme}://${domain}${port === undefined ? '' : `:${port}`}/${path.join('/')}${query ? `?${query[0]}=${query[1]}` : ''}`,
    );

/** Card numbers of 12 to 19 digits whose last digit is the Luhn check digit. */
const creditCard = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 18 }).map((digits) => {
  let sum = 0;
  // doubling every second digit from the right, the check digit being the first from the right
  digits.forEach((d, i) => {
    const doubled = (digits.length - i) % 2 === 1 ? d * 2 : d;
    sum += doubled > 9 ? doubled - 9 : doubled;
  });
  return digits.join('') + String((10 - (sum % 10)) % 10);
});

/** ISO 7064 mod 97-10 of an IBAN rearranged with its country and check digits last. */
function mod97(text: string): number {
  let remainder = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
  }
  return remainder;
}

/** IBANs: country, check digits computed for the account part, 11 to 30 characters. */
const iban = fc.tuple(fc.stringMatching(/^[A-Z]{2}$/), fc.stringMatching(/^[A-Z0-9]{11,30}$/)).map(([country, account]) => {
  const check = 98 - mod97(`${account}${country}00`);
  return `${country}${String(check).padStart(2, '0')}${account}`;
});

const part = (unit: string) =>
  fc.option(
    fc.nat({ max: 99 }).map((n) => `${n}${unit}`),
    { nil: '' },
  );

/** ISO 8601 durations: `P3W`, or dated and timed parts (`P1Y2M3DT4H5M6S`), at least one. */
const duration = fc.oneof(
  fc.nat({ max: 99 }).map((weeks) => `P${weeks}W`),
  fc.tuple(part('Y'), part('M'), part('D'), part('H'), part('M'), part('S')).map(([y, m, d, h, min, s]) => {
    const time = h + min + s;
    const date = y + m + d;
    return `P${date || (time ? '' : '0D')}${time ? `T${time}` : ''}`;
  }),
);

/**
 * A generator for `check`'s format, or undefined when the pattern zod checks is the way
 * to generate it.
 */
export function formatArbitrary(check: FormatCheck): fc.Arbitrary<string> | undefined {
  switch (check.format) {
    case 'url':
      return url(check.protocol && !check.protocol.test('ftp') ? ['https', 'http'] : ['https', 'http', 'ftp']);
    case 'jwt':
      return jwt(check.alg);
    case 'emoji':
      return emoji;
    case 'hostname':
      return fc.domain();
    case 'duration':
      return duration;
    case 'base64':
      return fc.base64String();
    case 'base64url':
      return fc.base64String().map((text) => text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    case 'credit_card':
      return creditCard;
    case 'iban':
      return iban;
    case 'json_string':
      return fc.json();
    default:
      return undefined;
  }
}
