import { z } from 'zod';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

/** One entry of a GraphQL response's `errors`, as the api sends it (docs/api.md, "Errors"). */
export const graphqlErrorSchema = z.object({
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  extensions: z
    .object({
      code: z.string().optional(),
      field: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    })
    .loose()
    .optional(),
});

export type GraphQLErrorEntry = z.infer<typeof graphqlErrorSchema>;

const workflowIssueSchema = z.object({ file: z.string(), line: z.number(), column: z.number(), path: z.string(), message: z.string() });
const problemSchema = z.object({ field: z.string(), message: z.string() });

/** What the api's FORBIDDEN `details.action` needs, as a role a project admin can give. */
const ROLE_FOR_ACTION: Readonly<Record<string, string>> = {
  read: 'viewer',
  createTrak: 'reviewer',
  review: 'reviewer',
  administer: 'admin',
};

/** `file:line:column path message`, as an editor or terminal can jump to it. */
export function formatWorkflowIssue(issue: z.infer<typeof workflowIssueSchema>): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return [where, issue.path, issue.message].filter((part) => part !== '').join(' ');
}

/**
 * Turns the first error of a GraphQL answer into the failure `ork` reports: the exit code scripts
 * branch on, the server's message (and each problem it listed), and what to do next.
 */
export function cliErrorFromGraphQL(error: GraphQLErrorEntry): CliError {
  const code = error.extensions?.code ?? 'INTERNAL';
  const field = error.extensions?.field;
  const details = error.extensions?.details ?? {};
  const base = { code, ...(field !== undefined && { field }), ...(Object.keys(details).length > 0 && { details }) };
  const fail = (exitCode: ExitCode, message: string, hint: string, extra: Record<string, unknown> = {}) => new CliError(message, exitCode, hint, { ...base, ...extra });

  switch (code) {
    case 'UNAUTHENTICATED':
      return fail(EXIT.unauthenticated, `the server refused the token: ${error.message}`, 'Run `ork login` with a valid token (or pass --token / set ORK_TOKEN).');
    case 'FORBIDDEN': {
      const action = typeof details['action'] === 'string' ? details['action'] : undefined;
      const project = typeof details['projectId'] === 'string' ? details['projectId'] : undefined;
      const role = action === undefined ? undefined : ROLE_FOR_ACTION[action];
      const hint =
        role !== undefined && project !== undefined
          ? `This needs the ${role} role on project ${project}: ask one of its admins to give it to you.`
          : /instance admin/i.test(error.message)
            ? 'Only instance admins may do this: ask one to do it, or to make you one.'
            : 'Ask an admin of the project for a role that allows it.';
      return fail(EXIT.forbidden, error.message, hint, role === undefined ? {} : { roleNeeded: role });
    }
    case 'NOT_FOUND':
      return fail(EXIT.notFound, error.message, notFoundHint(error.message));
    case 'WORKFLOW_INVALID': {
      const issues = z.array(workflowIssueSchema).safeParse(details['issues']);
      const omitted = typeof details['omitted'] === 'number' ? details['omitted'] : 0;
      const lines = issues.success ? issues.data.map(formatWorkflowIssue) : [];
      const message = lines.length > 0 ? [`the project's workflow is invalid:`, ...lines.map((l) => `  ${l}`), ...(omitted > 0 ? [`  …and ${omitted} more`] : [])].join('\n') : error.message;
      return fail(EXIT.rejected, message, 'Fix .orkestra/workflow.yaml on the base branch and push it (check it with `ork flows`), then run the command again.');
    }
    case 'VALIDATION_FAILED': {
      const problems = z.array(problemSchema).safeParse(details['problems']);
      const rest = problems.success ? problems.data.slice(1).map((p) => `  ${p.field}: ${p.message}`) : [];
      const message = [field !== undefined && !error.message.includes(`${field}:`) ? `${field}: ${error.message}` : error.message, ...rest].join('\n');
      return fail(EXIT.rejected, message, field === undefined ? 'Fix the input and run the command again.' : `Fix the value given for ${describeField(field)} and run the command again.`);
    }
    case 'ILLEGAL_TRANSITION':
      return fail(EXIT.rejected, error.message, 'See where it stands and what it waits for with `ork trak show <id>`.');
    case 'ALREADY_EXISTS':
      return fail(EXIT.rejected, error.message, 'Choose another id (`ork project list` shows the ones taken).');
    case 'CONFLICT':
      return fail(EXIT.rejected, error.message, 'Someone changed it at the same moment: run the command again.');
    case 'CURSOR_EXPIRED':
      return fail(EXIT.rejected, error.message, 'Run the command again without following on from an old position.');
    case 'UNAVAILABLE':
      return fail(EXIT.unreachable, error.message, 'The server cannot do this right now (e.g. it runs without NATS); ask its operator, or try again later.');
    case 'INTERNAL':
      return fail(EXIT.internal, `the server failed: ${error.message}`, 'This is a bug in the server: report it with the error id above (its log has the details).');
    default:
      // graphql-js's own codes (GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT): ork asked for something this server does not know.
      return fail(EXIT.internal, `the server did not understand ork's request (${code}): ${error.message}`, 'ork and the server are probably of different versions: use the ork that came with the server.');
  }
}

function notFoundHint(message: string): string {
  if (/^Trak\b/i.test(message)) return 'Check the id: `ork trak list` shows the Traks you can see.';
  if (/^Project\b/i.test(message)) return 'Check the id: `ork project list` shows the projects you can see.';
  if (/^User\b/i.test(message)) return 'Check the user id.';
  return 'Check the id you gave; you may also lack access to it (ask an admin of its project).';
}

/** `input.baseBranch` → `--base-branch`: the flag a user typed, where the field has one. */
export function describeField(field: string): string {
  const last = field.replace(/\[\d+\]/g, '').split('.').pop() ?? field;
  if (last === 'trakId' || last === 'id') return `the id (${field})`;
  return `--${last.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} (${field})`;
}
