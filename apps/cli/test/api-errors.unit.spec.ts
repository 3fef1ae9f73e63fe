import { cliErrorFromGraphQL, describeField } from '../src/shell/api-errors.js';
import { EXIT } from '../src/index.js';

const error = (code: string, message: string, extra: { field?: string; details?: Record<string, unknown> } = {}) =>
  cliErrorFromGraphQL({ message, extensions: { code, ...extra } });

describe("the server's errors as ork reports them", () => {
  it('given UNAUTHENTICATED, then it exits 4 and says to log in', () => {
    const failure = error('UNAUTHENTICATED', 'The API token is unknown');
    expect(failure.exitCode).toBe(EXIT.unauthenticated);
    expect(failure.message).toContain('The API token is unknown');
    expect(failure.hint).toContain('ork login');
  });

  it('given FORBIDDEN with the action, then it exits 5 and names the role to ask for', () => {
    const failure = error('FORBIDDEN', 'Your role on project shop (viewer) does not allow you to review or steer its Traks', {
      details: { projectId: 'shop', role: 'viewer', action: 'review' },
    });
    expect(failure.exitCode).toBe(EXIT.forbidden);
    expect(failure.hint).toBe('This needs the reviewer role on project shop: ask one of its admins to give it to you.');
    expect(failure.details).toMatchObject({ code: 'FORBIDDEN', roleNeeded: 'reviewer' });
  });

  it('given FORBIDDEN for an instance admin operation, then the hint says who may do it', () => {
    const failure = error('FORBIDDEN', 'Only instance admins register projects');
    expect(failure.exitCode).toBe(EXIT.forbidden);
    expect(failure.hint).toContain('Only instance admins');
  });

  it('given NOT_FOUND for a Trak, then it exits 6 and points at the list', () => {
    const failure = error('NOT_FOUND', 'Trak nope does not exist or is not visible to you');
    expect(failure.exitCode).toBe(EXIT.notFound);
    expect(failure.hint).toContain('ork trak list');
  });

  it('given WORKFLOW_INVALID, then it exits 7 and prints each problem as file:line:column', () => {
    const failure = error('WORKFLOW_INVALID', 'Invalid workflow configuration (2 problems)', {
      details: {
        issues: [
          { file: '.orkestra/workflow.yaml', line: 4, column: 9, path: 'flows.default.stages[0].artifact', message: 'is required' },
          { file: '.orkestra/workflow.yaml', line: 0, column: 0, path: '', message: 'is missing' },
        ],
        omitted: 3,
      },
    });
    expect(failure.exitCode).toBe(EXIT.rejected);
    expect(failure.message.split('\n')).toEqual([
      "the project's workflow is invalid:",
      '  .orkestra/workflow.yaml:4:9 flows.default.stages[0].artifact is required',
      '  .orkestra/workflow.yaml is missing',
      '  …and 3 more',
    ]);
    expect(failure.hint).toContain('ork flows');
  });

  it('given VALIDATION_FAILED, then it exits 7, names the field and the flag, and lists the other problems', () => {
    const failure = error('VALIDATION_FAILED', 'input.feedback: must not be blank', {
      field: 'input.feedback',
      details: { problems: [{ field: 'input.feedback', message: 'must not be blank' }, { field: 'input.toStage', message: 'too long' }] },
    });
    expect(failure.exitCode).toBe(EXIT.rejected);
    expect(failure.message).toBe('input.feedback: must not be blank\n  input.toStage: too long');
    expect(failure.hint).toContain('--feedback');
  });

  it('given a domain refusal naming a field outside the message, then the field is prefixed', () => {
    expect(error('VALIDATION_FAILED', 'No stage deploy in the flow', { field: 'stage' }).message).toBe('stage: No stage deploy in the flow');
  });

  it('given ILLEGAL_TRANSITION or CONFLICT, then it exits 7 with the next step', () => {
    expect(error('ILLEGAL_TRANSITION', 'Cannot Approve: the Trak is Queued').hint).toContain('ork trak show');
    expect(error('CONFLICT', 'Someone else changed it').exitCode).toBe(EXIT.rejected);
    expect(error('CONFLICT', 'Someone else changed it').hint).toContain('again');
  });

  it('given INTERNAL or a code ork does not know, then it exits 1 and says whose bug it is', () => {
    expect(error('INTERNAL', 'Internal error 42').exitCode).toBe(EXIT.internal);
    expect(error('INTERNAL', 'Internal error 42').hint).toContain('bug in the server');
    const unknown = error('GRAPHQL_VALIDATION_FAILED', 'Cannot query field "x"');
    expect(unknown.exitCode).toBe(EXIT.internal);
    expect(unknown.hint).toContain('different versions');
  });

  it('given an error without a code, then it is treated as the server failing', () => {
    expect(cliErrorFromGraphQL({ message: 'boom' }).exitCode).toBe(EXIT.internal);
  });

  it('names a field by the flag a user typed', () => {
    expect(describeField('input.baseBranch')).toBe('--base-branch (input.baseBranch)');
    expect(describeField('input.answers[1]')).toBe('--answers (input.answers[1])');
    expect(describeField('input.trakId')).toBe('the id (input.trakId)');
  });
});
