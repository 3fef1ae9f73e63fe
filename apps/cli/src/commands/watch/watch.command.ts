import type { CommandModule } from '../../cli.js';
import { commandTools } from '../../shell/command-tools.js';
import { watchTrak } from './watch-trak.js';

/** `ork watch <trak>`: a live view of a Trak until it ends. */
export const watchCommand: CommandModule = (program, context) => {
  program
    .command('watch')
    .description('follow a Trak live until it ends; on a terminal, answer, approve or reject as it asks (exit 0: done; 8: failed, blocked or cancelled)')
    .argument('<trak>', 'the Trak id')
    .action(async (id: string) => {
      const tools = commandTools(context);
      await watchTrak(tools, await tools.client(), id);
    });
};
