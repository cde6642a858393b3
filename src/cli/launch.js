#!/usr/bin/env node
// The `eventfuzz` command. eventfuzz runs from its TypeScript sources (no build step between `npm install` and
// use), so tsx's loader is registered before the CLI loads; the same loader lets users point eventfuzz at their
// own `.ts` handlers.
import { register } from 'tsx/esm/api';

register();
const { runFromProcess } = await import('./bin.ts');
await runFromProcess();
