import { GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Exact decimal numbers as strings. Energy and money are summed in integer arithmetic and scaled by a power of ten;
 * a JSON float would round a year of quarter-hours or a bill (0.1 + 0.2), so the exact value travels as text.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number as a string, e.g. "12.345" or "-0.5": no exponent, no rounding. Sums of energy and money ' +
    'are computed exactly and would lose digits as JSON floats; parse with a decimal library when doing arithmetic.',
  serialize(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value))
      throw new TypeError(`not a decimal string: ${String(value)}`);
    return value;
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value))
      throw new TypeError('Decimal expects a string like "12.345"');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !DECIMAL.test(ast.value))
      throw new TypeError('Decimal expects a string like "12.345"');
    return ast.value;
  },
});
