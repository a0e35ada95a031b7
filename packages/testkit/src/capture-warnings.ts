import { onTestFinished, vi } from 'vitest';

/**
 * For a test of code that warns by design: records the messages of the process warnings sent with
 * `{ code }` instead of letting Node print them into the test output, until the test ends. Any other
 * warning still goes out as usual, so one nobody expected is not hidden. Call it inside the test.
 *
 * @example
 *   const warnings = captureWarnings('STREAMSCOPE_LISTENER_THREW');
 *   // ... make an 'error' listener throw ...
 *   await waitFor('the warning', () => warnings.length > 0);
 */
export function captureWarnings(code: string): string[] {
  const messages: string[] = [];
  const emitWarning = process.emitWarning;
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation((...args) => {
    const [warning, options] = args;
    if (typeof options === 'object' && options.code === code) {
      messages.push(typeof warning === 'string' ? warning : warning.message);
    } else {
      Reflect.apply(emitWarning, process, args);
    }
  });
  onTestFinished(() => spy.mockRestore());
  return messages;
}
