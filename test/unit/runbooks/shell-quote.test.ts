import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { renderCommand, shellQuote, validateParam } from '../../../electron/core/runbooks/shell-quote';

const hostile = ['; rm -rf /', '$(id)', '`id`', 'a\nb', "it's", 'say "hi"', "'; echo pwned; '", '\\', '$HOME', '*', '-rf', ''];

/** What real `sh` receives as $1 when the quoted text is pasted into a command line. */
function throughSh(quoted: string): string {
  return execFileSync('sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
}

describe('shellQuote against a real sh', () => {
  it.each(hostile)('%j comes back exactly, as one argument', (value) => {
    expect(throughSh(shellQuote(value))).toBe(value);
    // One word: a second argument would be printed too and change the count.
    expect(execFileSync('sh', ['-c', `set -- ${shellQuote(value)}; printf %s "$#"`], { encoding: 'utf8' })).toBe('1');
  });
});

describe('renderCommand', () => {
  it('validates every parameter against its pattern before anything is quoted', () => {
    // The built-ins' service pattern: a leading letter or digit also keeps "-rf" from becoming an option.
    const pattern = '[a-z0-9][a-z0-9@._-]{0,63}';
    for (const value of hostile) {
      let caught: unknown;
      try {
        renderCommand('systemctl stop {service}', { service: value }, { service: pattern });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(FleetError);
      expect((caught as FleetError).code).toBe('BAD_REQUEST');
      expect((caught as FleetError).message).toBe(`parameter "service" = ${JSON.stringify(value)} does not match its pattern ${pattern}`);
    }
  });

  it('anchors the pattern: an alternation cannot be satisfied by a prefix', () => {
    expect(() => validateParam('stop', 'yes; rm -rf /', 'yes|no')).toThrow(/does not match its pattern yes\|no/);
    expect(() => validateParam('stop', 'yes\n', 'yes|no')).toThrow(/does not match/);
    expect(() => validateParam('stop', 'no', 'yes|no')).not.toThrow();
  });

  it('a value the pattern lets through still reaches sh as one quoted argument', () => {
    const line = renderCommand('printf %s {msg}', { msg: "a'b $(id) `x`;c" }, { msg: '.*' });
    expect(line).toBe(`printf %s 'a'\\''b $(id) \`x\`;c'`);
    expect(execFileSync('sh', ['-c', line], { encoding: 'utf8' })).toBe("a'b $(id) `x`;c");
  });

  it('a placeholder without a value is refused', () => {
    expect(() => renderCommand('systemctl stop {service}', {}, {})).toThrow(/uses \{service\}, which has no value/);
  });
});
