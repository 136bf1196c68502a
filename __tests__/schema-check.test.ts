import fc from 'fast-check';
import { z } from 'zod';

import { compileSchemaCheck } from '../src/core/schema-check';
import { profileSchema } from '../src/index';
import { buildProfile, buildSparseProfile } from '../src/testing';

const forms = [
  ['generated', compileSchemaCheck(profileSchema)],
  ['closure', compileSchemaCheck(profileSchema, { generate: false })],
] as const;

const zodAccepts = (value: unknown) => profileSchema.safeParse(value).success;

/** Every path to a value inside a JSON value, the root included. */
function pathsOf(value: unknown, at: PropertyKey[] = []): PropertyKey[][] {
  const paths = [at];
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const step = Array.isArray(value) ? Number(key) : key;
      paths.push(...pathsOf(inner, [...at, step]));
    }
  }
  return paths;
}

/** A copy of `value` with the value at `path` replaced (or removed). */
function replaced(value: unknown, path: PropertyKey[], next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = structuredClone(value) as Record<PropertyKey, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) {
    parent = parent[step] as Record<PropertyKey, unknown>;
  }
  const last = path[path.length - 1]!;
  if (next === undefined) Reflect.deleteProperty(parent, last);
  else parent[last] = next;
  return copy;
}

const base = fc.constantFrom<unknown>(
  buildProfile(),
  buildProfile({ id: 7, links: ['https://example.com/a'], tags: 'one' }),
  buildSparseProfile(),
);
const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(undefined, null, 1.5, -0, 2 ** 53, '', [], {}),
);
/** A real profile with one value somewhere in it swapped for another. */
const mutatedProfile = fc
  .tuple(base, fc.nat(), replacement)
  .map(([value, pick, next]) => {
    const paths = pathsOf(value);
    return replaced(value, paths[pick % paths.length]!, next);
  });

describe.each(forms)('the %s schema check', (_name, check) => {
  it('accepts the profiles the testing kit builds', () => {
    expect(check(buildProfile())).toBe(true);
    expect(check(buildSparseProfile())).toBe(true);
    expect(check({ id: 1 })).toBe(true);
  });

  it('answers as zod does for profiles changed at any one place', () => {
    fc.assert(
      fc.property(mutatedProfile, (value) => {
        const json = JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
        expect(check(json)).toBe(zodAccepts(json));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers as zod does for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(check(value)).toBe(zodAccepts(value));
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts what zod refuses, JSON or not', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        if (check(value)) expect(zodAccepts(value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses values JSON cannot hold but an object can', () => {
    const sparse: unknown[] = [];
    sparse[2] = 'https://example.com/p';
    expect(check({ id: 1, skills: sparse })).toBe(false);
    expect(check({ id: 1, region_latitude: Infinity })).toBe(false);
    expect(check({ id: 1, region_latitude: Number.NaN })).toBe(false);
    expect(check({ id: 2 ** 53 })).toBe(false);
    expect(check({ id: 1.5 })).toBe(false);
    expect(zodAccepts({ id: 1, skills: sparse })).toBe(false);
  });
});

describe('compileSchemaCheck', () => {
  it('refuses at build time the schema parts it cannot answer for', () => {
    for (const schema of [
      z.string().min(1),
      z.strictObject({ id: z.int() }),
      z.object({ at: z.date() }),
      z.record(z.enum(['a']), z.string()),
      z.number().positive(),
    ]) {
      expect(() => compileSchemaCheck(schema)).toThrow(
        /compileSchemaCheck does not handle/,
      );
    }
  });

  it('builds the check from closures where code generation is refused', () => {
    const refuse = jest.spyOn(globalThis, 'Function').mockImplementation(() => {
      throw new EvalError('Code generation from strings disallowed');
    });
    try {
      const check = compileSchemaCheck(profileSchema);
      expect(refuse).toHaveBeenCalled();
      expect(check(buildProfile())).toBe(true);
      expect(check({ id: 'not a number' })).toBe(false);
    } finally {
      refuse.mockRestore();
    }
  });
});
