import { defineCommand } from '../command.ts';
import { nodeBuildInfo } from '../../core/node/build-info.ts';

export default defineCommand({
  usage: '[--json]',
  options: [{ name: 'json', type: 'boolean', description: 'Print as JSON' }],
  async run(ctx) {
    const info = nodeBuildInfo();
    if (ctx.values.json)
      ctx.stdout.write(JSON.stringify({ ...info, runtime: `node ${process.version}` }) + '\n');
    else
      ctx.stdout.write(
        `openwatch ${info.version} (commit ${info.commit}, built ${info.build_time}, node ${process.version})\n`,
      );
    return 0;
  },
});
