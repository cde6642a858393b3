import { HarnessError } from '../core/errors.js';

/**
 * A loader that imports an AWS SDK client package on first use (local runs never pay for it) and says what to
 * install when it is missing; a failed import is retried on the next call.
 */
export function lazyAwsSdk<T>(load: () => Promise<T>, missing: string): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    // The SDK warns on Node < 22 that its releases from January 2027 will need Node 22: eventfuzz pins a release
    // that runs on Node 20 (see package.json), so the warning is noise on every remote run. The user's own
    // setting wins.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    loaded ??= load().catch((cause: unknown) => {
      loaded = undefined;
      throw new HarnessError('EFZ_RUNNER_UNAVAILABLE', missing, { cause });
    });
    return loaded;
  };
}
