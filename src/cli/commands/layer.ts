import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { LAYER_NODE_OPTIONS, writeLayer } from '../../api/layer.js';
import { VERSION } from '../../version.js';
import type { CliIo } from '../io.js';

interface LayerFlags {
  readonly out: string;
}

/** `eventfuzz layer`: writes the in-function probes as a Lambda layer zip, and says how to attach it to a staging function. */
export function makeLayerCommand(io: CliIo): Command {
  return new Command('layer')
    .description("Build a Lambda layer (zip) that runs eventfuzz's probes inside a deployed STAGING function")
    .addOption(new Option('-o, --out <file>', 'where to write the zip').default('eventfuzz-layer.zip'))
    .action(async (flags: LayerFlags) => {
      const layer = await writeLayer(resolve(io.cwd, flags.out));
      io.stdout(
        [
          `Wrote ${flags.out} (${Math.ceil(layer.zip.length / 1024)} KB): eventfuzz ${VERSION}'s probes, for STAGING functions only (Node.js 20 or later).`,
          '',
          'Publish it, attach it to the staging function, and add one environment variable:',
          `  aws lambda publish-layer-version --layer-name eventfuzz-probes --zip-file fileb://${flags.out} --compatible-runtimes nodejs20.x nodejs22.x`,
          `  NODE_OPTIONS=${LAYER_NODE_OPTIONS}`,
          "  (update-function-configuration --environment replaces ALL variables: pass the function's existing ones too.)",
          '',
          'Then `eventfuzz fuzz --function <staging-function> …` reports what the probes see inside the function:',
          'commands and file operations that carry a payload are blocked there unless you pass --allow-exec, and',
          "invocations that are not eventfuzz's own run as if the layer were not there.",
          '',
        ].join('\n'),
      );
    });
}
