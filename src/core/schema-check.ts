import type { z } from 'zod';

/** Answers whether a value would pass a schema, without copying it. */
export type SchemaCheck = (value: unknown) => boolean;

/**
 * The parts of zod that `schema.ts` uses, reduced to what decides whether a
 * value passes: strings, booleans, finite and safe-integer numbers,
 * `unknown`, optional, nullable, arrays, unions, string-keyed records, and
 * objects that keep or strip unknown keys.
 */
type Shape =
  | { kind: 'string' | 'boolean' | 'number' | 'int' | 'unknown' }
  | { kind: 'optional' | 'nullable' | 'array' | 'record'; inner: Shape }
  | { kind: 'union'; options: Shape[] }
  | { kind: 'object'; fields: (readonly [string, Shape])[] };

interface Def {
  type: string;
  checks?: unknown[];
  format?: string;
  innerType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  keyType?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  catchall?: z.core.$ZodType;
}

/**
 * Builds a yes-or-no check from a zod schema.
 *
 * zod's `safeParse` builds a copy of every object and array it accepts; a
 * delivery keeps `JSON.parse`'s own objects, so that copy is pure cost on the
 * hot path. The check allocates nothing. It may say no where zod would say
 * yes (an object that is not plain, for instance), never the reverse, so a
 * "no" is always confirmed by zod, which also names the issues. A property
 * test holds both forms of the check to zod's answers.
 *
 * The check is generated as JavaScript source where the runtime allows
 * `new Function`, which lets the engine inline every step; where it does not
 * (Cloudflare Workers, strict CSPs) it is built from closures. The source
 * holds only the schema's own key names, never anything from a request.
 *
 * A schema part it does not know (a refinement, a length check, a strict
 * object) is a programming error, thrown when the module loads.
 */
export function compileSchemaCheck(
  schema: z.core.$ZodType,
  { generate = true }: { generate?: boolean } = {},
): SchemaCheck {
  const shape = shapeOf(schema);
  if (generate) {
    try {
      return generatedCheck(shape);
    } catch {
      // Code generation is not allowed here: closures do the same work.
    }
  }
  return closureCheck(shape);
}

function shapeOf(schema: z.core.$ZodType): Shape {
  const def = schema._zod.def as Def;
  if (def.checks !== undefined && def.checks.length > 0) {
    throw unsupported(`${def.type} with checks`);
  }

  switch (def.type) {
    case 'string':
    case 'boolean':
    case 'unknown':
      return { kind: def.type };
    case 'number':
      if (def.format === undefined) return { kind: 'number' };
      if (def.format === 'safeint') return { kind: 'int' };
      throw unsupported(`number format ${def.format}`);
    case 'optional':
    case 'nullable':
      return { kind: def.type, inner: shapeOf(def.innerType as never) };
    case 'array':
      return { kind: 'array', inner: shapeOf(def.element as never) };
    case 'union':
      return { kind: 'union', options: (def.options ?? []).map(shapeOf) };
    case 'record': {
      const key = def.keyType?._zod.def as Def | undefined;
      if (key?.type !== 'string' || (key.checks?.length ?? 0) > 0) {
        throw unsupported('record with keys other than plain strings');
      }
      return { kind: 'record', inner: shapeOf(def.valueType as never) };
    }
    case 'object': {
      // A looseObject's catchall is `unknown`; a plain object has none and
      // strips unknown keys. Both accept any extra key.
      const catchall = def.catchall?._zod.def as Def | undefined;
      if (catchall !== undefined && catchall.type !== 'unknown') {
        throw unsupported(`object with a ${catchall.type} catchall`);
      }
      const fields = Object.entries(def.shape ?? {}).map(
        ([key, field]) => [key, shapeOf(field)] as const,
      );
      return { kind: 'object', fields };
    }
    default:
      throw unsupported(def.type);
  }
}

/** Objects as `JSON.parse` makes them; anything else is left to zod. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// generated source

function generatedCheck(shape: Shape): SchemaCheck {
  const helpers: string[] = [];

  // Each array, record and object gets a function of its own; scalars are
  // tested inline on the variable that holds them.
  function test(part: Shape, v: string): string {
    switch (part.kind) {
      case 'string':
      case 'boolean':
        return `typeof ${v} === '${part.kind}'`;
      case 'number':
        return `(typeof ${v} === 'number' && Number.isFinite(${v}))`;
      case 'int':
        return `Number.isSafeInteger(${v})`;
      case 'unknown':
        return 'true';
      case 'optional':
        return `(${v} === undefined || ${test(part.inner, v)})`;
      case 'nullable':
        return `(${v} === null || ${test(part.inner, v)})`;
      case 'union':
        return `(${part.options.map((option) => test(option, v)).join(' || ')})`;
      default:
        return `${helper(part)}(${v})`;
    }
  }

  function helper(part: Shape): string {
    // The slot is taken first: nested parts add their helpers meanwhile.
    const index = helpers.push('') - 1;
    const name = `check${index}`;
    let body: string;
    if (part.kind === 'array') {
      body =
        'if (!Array.isArray(x)) return false;\n' +
        'for (let i = 0; i < x.length; i++) {\n' +
        `  const v = x[i]; if (!(${test(part.inner, 'v')})) return false;\n` +
        '}\n';
    } else if (part.kind === 'record') {
      body =
        'if (!isPlainObject(x)) return false;\n' +
        'for (const k in x) {\n' +
        `  const v = x[k]; if (!(${test(part.inner, 'v')})) return false;\n` +
        '}\n';
    } else if (part.kind === 'object') {
      body = 'if (!isPlainObject(x)) return false;\nlet v;\n';
      for (const [key, field] of part.fields) {
        body += `v = x[${JSON.stringify(key)}]; if (!(${test(field, 'v')})) return false;\n`;
      }
    } else {
      throw unsupported(part.kind);
    }
    helpers[index] = `function ${name}(x) {\n${body}return true;\n}`;
    return name;
  }

  const root = test(shape, 'value');
  const source =
    `${helpers.join('\n')}\n` +
    `return function schemaCheck(value) { return ${root}; };`;
  const build = new Function('isPlainObject', source) as (
    isPlain: typeof isPlainObject,
  ) => SchemaCheck;
  return build(isPlainObject);
}

// closures

function closureCheck(shape: Shape): SchemaCheck {
  switch (shape.kind) {
    case 'string':
    case 'boolean': {
      const kind = shape.kind;
      return (value) => typeof value === kind;
    }
    case 'number':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'int':
      return (value) => Number.isSafeInteger(value);
    case 'unknown':
      return () => true;
    case 'optional': {
      const inner = closureCheck(shape.inner);
      return (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = closureCheck(shape.inner);
      return (value) => value === null || inner(value);
    }
    case 'union': {
      const options = shape.options.map(closureCheck);
      return (value) => options.some((option) => option(value));
    }
    case 'array': {
      const element = closureCheck(shape.inner);
      // A loop, not `every`: `every` skips the holes of a sparse array.
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i++) {
          if (!element(value[i])) return false;
        }
        return true;
      };
    }
    case 'record': {
      const entry = closureCheck(shape.inner);
      return (value) => {
        if (!isPlainObject(value)) return false;
        for (const key in value) {
          if (!entry(value[key])) return false;
        }
        return true;
      };
    }
    case 'object': {
      const fields = shape.fields.map(
        ([key, field]) => [key, closureCheck(field)] as const,
      );
      return (value) =>
        isPlainObject(value) &&
        fields.every(([key, check]) => check(value[key]));
    }
  }
}

function unsupported(what: string): Error {
  return new Error(
    `rocketreach-webhooks: compileSchemaCheck does not handle ${what}; ` +
      'extend it or validate with zod alone.',
  );
}
