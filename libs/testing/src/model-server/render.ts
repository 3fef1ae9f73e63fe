import { chunks, estimateTokens, newId, type PlannedReply, type ReplyBlock } from './script.js';

/** One server-sent event. `data` is JSON-encoded, except the string `[DONE]`, which is sent as is. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

export type RenderedReply = { status: number; stream: true; events: SseEvent[] } | { status: number; stream: false; body: unknown };

interface RenderContext {
  model: string;
  stream: boolean;
  inputTokens: number;
  /** OpenAI: `stream_options.include_usage`. */
  includeUsage: boolean;
}

const outputTokens = (blocks: ReplyBlock[]): number =>
  estimateTokens(blocks.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? JSON.stringify(b.input) : JSON.stringify(b.block))).join(''));

const hasToolUse = (blocks: ReplyBlock[]): boolean => blocks.some((b) => b.type === 'tool_use');

export function anthropicError(status: number, type: string, message: string): RenderedReply {
  return { status, stream: false, body: { type: 'error', error: { type, message } } };
}

export function openaiError(status: number, type: string, message: string): RenderedReply {
  return { status, stream: false, body: { error: { message, type, param: null, code: type } } };
}

function anthropicBlock(block: ReplyBlock): Record<string, unknown> {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'tool_use') return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
  return block.block;
}

function anthropicBlockEvents(block: ReplyBlock, index: number, size: number): SseEvent[] {
  const events: SseEvent[] = [];
  const start = (contentBlock: Record<string, unknown>) =>
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: contentBlock } });
  const delta = (d: Record<string, unknown>) => events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: d } });
  if (block.type === 'text') {
    start({ type: 'text', text: '' });
    for (const text of chunks(block.text, size)) delta({ type: 'text_delta', text });
  } else if (block.type === 'tool_use') {
    start({ type: 'tool_use', id: block.id, name: block.name, input: {} });
    for (const partial_json of chunks(JSON.stringify(block.input ?? {}), size)) delta({ type: 'input_json_delta', partial_json });
  } else if (block.block.type === 'thinking') {
    start({ type: 'thinking', thinking: '', signature: '' });
    for (const thinking of chunks(String(block.block.thinking ?? ''), size)) delta({ type: 'thinking_delta', thinking });
    delta({ type: 'signature_delta', signature: String(block.block.signature ?? 'fake-signature') });
  } else {
    start(block.block);
  }
  events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  return events;
}

export function renderAnthropic(plan: PlannedReply, ctx: RenderContext): RenderedReply {
  if (plan.kind === 'error') return anthropicError(plan.status, plan.type, plan.message);
  const id = newId('msg_fake_');
  const stopReason = plan.stopReason ?? (hasToolUse(plan.blocks) ? 'tool_use' : 'end_turn');
  const output = outputTokens(plan.blocks);
  const usage = { input_tokens: ctx.inputTokens, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  if (!ctx.stream) {
    const body = { id, type: 'message', role: 'assistant', model: ctx.model, content: plan.blocks.map(anthropicBlock), stop_reason: stopReason, stop_sequence: null, usage };
    return { status: 200, stream: false, body };
  }
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: ctx.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      },
    },
    { event: 'ping', data: { type: 'ping' } },
    ...plan.blocks.flatMap((block, index) => anthropicBlockEvents(block, index, plan.chunk)),
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: output } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
  return { status: 200, stream: true, events };
}

const toolArguments = (input: unknown): string => (typeof input === 'string' ? input : JSON.stringify(input ?? {}));

export function renderOpenai(plan: PlannedReply, ctx: RenderContext): RenderedReply {
  if (plan.kind === 'error') return openaiError(plan.status, plan.type, plan.message);
  const id = newId('chatcmpl-fake');
  const created = Math.floor(Date.now() / 1000);
  const text = plan.blocks.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
  const calls = plan.blocks.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: toolArguments(b.input) }] : []));
  const finishReason = plan.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
  const completion = outputTokens(plan.blocks);
  const usage = { prompt_tokens: ctx.inputTokens, completion_tokens: completion, total_tokens: ctx.inputTokens + completion };
  const toolCalls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  if (!ctx.stream) {
    const message = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, ...(calls.length > 0 ? { tool_calls: toolCalls } : {}) };
    return { status: 200, stream: false, body: { id, object: 'chat.completion', created, model: ctx.model, choices: [{ index: 0, message, finish_reason: finishReason }], usage } };
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
    data: { id, object: 'chat.completion.chunk', created, model: ctx.model, choices, ...extra },
  });
  const delta = (d: Record<string, unknown>, finish: string | null = null) => chunk([{ index: 0, delta: d, finish_reason: finish }]);
  const events: SseEvent[] = [delta({ role: 'assistant', content: '' })];
  if (text !== '') for (const piece of chunks(text, plan.chunk)) events.push(delta({ content: piece }));
  calls.forEach((call, index) => {
    events.push(delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of chunks(call.arguments, plan.chunk)) events.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(delta({}, finishReason));
  if (ctx.includeUsage) events.push(chunk([], { usage }));
  events.push({ data: '[DONE]' });
  return { status: 200, stream: true, events };
}

export function encodeSse(event: SseEvent): string {
  const data = event.data === '[DONE]' ? '[DONE]' : JSON.stringify(event.data);
  return `${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`;
}
