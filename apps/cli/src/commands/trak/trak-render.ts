import type { Output } from '../../shell/output.js';
import { cut, shortTime } from '../../shell/output.js';
import type { TrakDetail, TrakSummary } from './trak-fields.js';

/** `work#2`: the stage and its iteration, or `-` before the first stage or after the last. */
export const stageOf = (trak: Pick<TrakSummary, 'stage' | 'iteration'>): string =>
  trak.stage === null ? '-' : trak.iteration === null ? trak.stage : `${trak.stage}#${trak.iteration}`;

/** The command(s) a person runs next, given why the Trak waits (or that it does not). */
export function nextStep(trak: Pick<TrakSummary, 'id' | 'status' | 'needsHuman'>): string {
  const id = trak.id;
  switch (trak.needsHuman?.kind) {
    case 'AwaitingApproval':
      return `approve it with \`ork trak approve ${id}\`, or reject it with \`ork trak reject ${id} -f "what to change"\``;
    case 'AwaitingAnswers':
      return `answer its questions with \`ork trak answer ${id}\``;
    case 'AwaitingRejectionConfirmation':
      return `confirm the agent's rejection with \`ork trak approve ${id}\`, or overrule it with \`ork trak skip ${id} -m "…"\``;
    case 'Interrupted':
      return `resume it with \`ork trak retry ${id}\`, or start the stage afresh with \`ork trak restart ${id} -m "…"\``;
    case 'Failed':
    case 'Blocked':
      return `resume it with \`ork trak retry ${id} -m "what to do"\`, or give up with \`ork trak cancel ${id}\``;
    case 'AwaitingMergeDecision':
      return `merge it with \`ork trak merge ${id}\`, or open a pull request with \`ork trak open-pr ${id}\``;
    case 'PullRequestOpen':
      return `archive it with \`ork trak archive ${id}\` once its pull request is merged`;
    default:
      break;
  }
  if (trak.status === 'Archived' || trak.status === 'Cancelled') return 'nothing: it has ended';
  if (trak.status === 'Done') return 'nothing: it is done';
  return `follow it with \`ork watch ${id}\``;
}

/** One line about where a Trak stands: `k3v7q2m9xa AwaitingApproval at work#1: Stage "work" produced…` (no stage once done). */
export function trakLine(out: Output, trak: TrakSummary): string {
  const why = trak.needsHuman?.detail ?? trak.statusDetail;
  const at = trak.stage === null ? '' : ` at ${stageOf(trak)}`;
  return `${out.colors.bold(trak.id)} ${out.status(trak.status)}${at}${why === null || why === undefined ? '' : `: ${why}`}`;
}

/** A row of `ork trak list`. */
export function trakRow(out: Output, trak: TrakSummary): string[] {
  return [out.colors.bold(trak.id), trak.projectId, out.status(trak.status), stageOf(trak), trak.needsHuman?.kind ?? '', cut(trak.title, 40), shortTime(trak.updatedAt)];
}

export const TRAK_ROW_HEAD = ['ID', 'PROJECT', 'STATUS', 'STAGE', 'WAITS FOR', 'TITLE', 'UPDATED'];

/** `ork trak show`: everything a reviewer needs to decide, most useful first. */
export function renderTrak(out: Output, trak: TrakDetail): string[] {
  const c = out.colors;
  const lines = [
    `${c.bold(trak.title)}  ${c.dim(`${trak.projectId}/${trak.id}`)}`,
    `Status:   ${out.status(trak.status)} at ${stageOf(trak)}${trak.autoMode ? c.dim(' (auto mode)') : ''}`,
    ...(trak.statusDetail === null ? [] : [`Detail:   ${trak.statusDetail}`]),
    `Flow:     ${trak.flow.name}: ${trak.flow.stages.map((s) => (s.name === trak.stage ? c.bold(c.underline(s.name)) : s.name)).join(' → ')}`,
    `Branch:   ${trak.branch} (from ${trak.baseBranch})${trak.prUrl === null ? '' : `, PR ${trak.prUrl}`}`,
    `Usage:    ${trak.usage.inputTokens} in / ${trak.usage.outputTokens} out tokens, $${trak.usage.costUsd.toFixed(2)}`,
    `Created:  ${shortTime(trak.createdAt)}, updated ${shortTime(trak.updatedAt)}`,
  ];
  if (trak.description.trim() !== '') lines.push('', c.bold('Description'), indent(trak.description));
  if (trak.needsHuman !== null) lines.push('', `${c.yellow(c.bold('Waiting for you:'))} ${trak.needsHuman.detail}`);
  if (trak.questions.length > 0) {
    lines.push('', c.bold('Questions'));
    trak.questions.forEach((q, i) => {
      lines.push(`  ${i + 1}. ${q.question}`);
      if (q.context !== null && q.context !== '') lines.push(c.dim(indent(q.context, 5)));
      for (const option of q.options) lines.push(`     - ${option.label}${option.description === null ? '' : c.dim(` (${option.description})`)}`);
    });
  }
  const latest = trak.stage === null ? undefined : [...trak.artifacts].reverse().find((a) => a.stage === trak.stage);
  if (latest !== undefined && trak.status === 'AwaitingApproval') lines.push('', c.bold(`Artifact ${latest.name} (${latest.stage}#${latest.iteration})`), indent(latest.content));
  if (trak.proposedSubtraks.length > 0) {
    lines.push('', c.bold('Proposed Subtraks'));
    trak.proposedSubtraks.forEach((s, i) => lines.push(`  ${i}. ${s.title}${s.dependsOn.length > 0 ? c.dim(` (after ${s.dependsOn.join(', ')})`) : ''}`));
  }
  if (trak.subtraks.length > 0) {
    lines.push('', c.bold('Subtraks'), ...trak.subtraks.map((s) => `  ${s.id}  ${s.status}  ${s.title}`));
  }
  if (trak.iterations.length > 0) {
    lines.push(
      '',
      c.bold('Iterations'),
      out.table(
        ['STAGE', 'WHY', 'STARTED', 'ENDED', 'OUTCOME'],
        trak.iterations.map((it) => [
          `${it.stage}#${it.iteration}`,
          it.trigger?.kind ?? '',
          shortTime(it.startedAt),
          shortTime(it.endedAt),
          it.outcome === null ? c.dim('open') : `${it.outcome}${it.outcomeDetail === null ? '' : `: ${cut(it.outcomeDetail, 60)}`}`,
        ]),
      ),
    );
  }
  lines.push('', `Next: ${nextStep(trak)}.`);
  return lines;
}

const indent = (text: string, by = 2): string =>
  text
    .split('\n')
    .map((line) => `${' '.repeat(by)}${line}`)
    .join('\n');
