import type { ProjectEvent } from './project.events.js';

/**
 * A project's webhook URL after `event`, given the URL before it: what `evolveProject` makes of
 * `settings.webhookUrl`, for a reader of the log that keeps only the URL of each project.
 */
export function webhookUrlAfter(url: string | undefined, event: ProjectEvent): string | undefined {
  switch (event.type) {
    case 'ProjectRegistered':
      return event.data.settings.webhookUrl;
    case 'ProjectUpdated': {
      const change = event.data.changes.settings?.webhookUrl;
      return change === undefined ? url : (change ?? undefined);
    }
    default:
      return url;
  }
}
