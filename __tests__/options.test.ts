import {
  rocketreachWebhook,
  type RocketReachWebhookOptions,
} from '../src/index';
import { recordingLogger } from './support/apps';
import { SECRET } from './support/fixtures';

type Options = RocketReachWebhookOptions;

function create(options: unknown) {
  return () => rocketreachWebhook(options as Options);
}

describe('the factory refuses options that cannot work', () => {
  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /needs an options object with at least a secret/],
    [
      'no secret',
      {},
      /The secret option is required\. Pass the secret from the RocketReach dashboard/,
    ],
    ['an empty secret', { secret: '' }, /The secret option is an empty string/],
    [
      'a number as secret',
      { secret: 42 },
      /must be a string or a list of strings; got a number/,
    ],
    ['an empty list', { secret: [] }, /a list with no usable secret/],
    [
      'a list of unset variables',
      { secret: [undefined, ''] },
      /a list with no usable secret/,
    ],
    [
      'a list with a number',
      { secret: [SECRET, 7] },
      /secret\[1\] must be a string; got a number/,
    ],
    [
      'a negative limit',
      { secret: SECRET, limit: -1 },
      /The limit option must be a positive number of bytes/,
    ],
    ['an unreadable limit', { secret: SECRET, limit: 'lots' }, /got a string/],
    [
      'a hook that is not a function',
      { secret: SECRET, onSingle: 'log' },
      /The onSingle option must be a function; got a string/,
    ],
    [
      'a respond that is not boolean',
      { secret: SECRET, respond: 'yes' },
      /The respond option must be true or false/,
    ],
    [
      'a logger without methods',
      { secret: SECRET, logger: {} },
      /must have warn\(\) and error\(\) methods/,
    ],
    [
      'an unknown acknowledge mode',
      { secret: SECRET, acknowledge: 'later' },
      /The acknowledge option must be 'after-hooks' or 'before-hooks'; got "later"\./,
    ],
    [
      'a negative hookTimeout',
      { secret: SECRET, hookTimeout: -5 },
      /The hookTimeout option must be a positive whole number of milliseconds\./,
    ],
    [
      'a bodyTimeout given as text',
      { secret: SECRET, bodyTimeout: '30s' },
      /The bodyTimeout option must be a positive whole number of milliseconds\./,
    ],
    [
      'an onError that is not a function',
      { secret: SECRET, onError: true },
      /The onError option must be a function; got a boolean\./,
    ],
    [
      'a typo in a hook name',
      { secret: SECRET, onsingle: () => {} },
      /an option named "onsingle"\. Did you mean "onSingle"\?/,
    ],
    [
      'a plural secret',
      { secrets: [SECRET] },
      /an option named "secrets"\. Did you mean "secret"\?/,
    ],
    [
      'an unrelated option',
      { secret: SECRET, verbose: true },
      /an option named "verbose"\. Known options:/,
    ],
  ])('throws a TypeError for %s', (_label, options, message) => {
    expect(create(options)).toThrow(TypeError);
    expect(create(options)).toThrow(message);
  });

  it('never prints the secret in its errors', () => {
    expect(create({ secret: [SECRET, 12345] })).toThrow(/^(?!.*whsec).*$/s);
  });

  it('explains app.use(rocketreachWebhook) written without the call', () => {
    const req = { headers: {}, method: 'POST', on() {} };

    expect(create(req)).toThrow(TypeError);
    expect(create(req)).toThrow(
      'rocketreachWebhook was given a request: it makes the handler, it is not ' +
        'the handler. Call it with options: ' +
        'app.post(path, rocketreachWebhook({ secret })).',
    );
  });
});

describe('the factory warns about likely mistakes, once', () => {
  it('warns when a secret has surrounding whitespace', () => {
    const logger = recordingLogger();

    const middleware = rocketreachWebhook({ secret: `${SECRET}\n`, logger });

    expect(typeof middleware).toBe('function');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('starts or ends with whitespace');
    expect(logger.warnings[0]).not.toContain(SECRET);
  });

  it('warns when some entries of a secret list are empty, and uses the rest', () => {
    const logger = recordingLogger();

    rocketreachWebhook({ secret: [SECRET, undefined], logger });

    expect(logger.warnings).toEqual([
      'rocketreach-webhooks: 1 of the 2 secrets given are empty and were skipped; ' +
        'check the environment variables they come from.',
    ]);
  });

  it('says nothing for a clean configuration', () => {
    const logger = recordingLogger();

    rocketreachWebhook({ secret: SECRET, limit: '1mb', logger });

    expect(logger.warnings).toEqual([]);
  });

  it('writes to console.warn by default', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      rocketreachWebhook({ secret: ` ${SECRET}` });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});
