#!/bin/sh
# A long-running stand-in for `claude --print --verbose --output-format stream-json`, for the
# takeover benchmark: it reads the prompt, names its session at once, then works for
# $BENCH_AGENT_SECONDS (default 600) before it answers the stage's artifact. For a Trak whose id
# holds "busy" it works $BENCH_AGENT_BUSY_SECONDS (default 30) instead, and is chatty: about
# $BENCH_AGENT_LINES_PER_SECOND (default 1000) text events a second, each a log entry the runner
# parses and publishes, as a busy agent's output is.
session=bench-session
artifact=artifact
while [ $# -gt 0 ]; do
  case "$1" in
    --session-id|--resume) session=$2; shift ;;
    --json-schema) artifact=$(printf '%s' "$2" | sed 's/^[^[]*\["\([^"]*\)".*/\1/'); shift ;;
  esac
  shift
done
prompt=$(cat)
printf '{"type":"system","subtype":"init","session_id":"%s","tools":[],"model":"long"}\n' "$session"
seconds=${BENCH_AGENT_SECONDS:-600}
case "$prompt" in
  *busy*)
    seconds=${BENCH_AGENT_BUSY_SECONDS:-30}
    lines=${BENCH_AGENT_LINES_PER_SECOND:-1000}
    i=0
    while [ "$i" -lt "$seconds" ]; do
      seq "$lines" | sed 's/.*/{"type":"assistant","message":{"content":[{"type":"text","text":"Working through the change, step &, reading files and editing them as planned."}]},"parent_tool_use_id":null}/'
      sleep 1
      i=$((i + 1))
    done ;;
  *) sleep "$seconds" ;;
esac
printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"num_turns":1,"result":"done","session_id":"%s","total_cost_usd":0.001,"usage":{"input_tokens":100,"output_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0},"structured_output":{"type":"%s","content":"The %s artifact, after a long while."}}\n' "$session" "$artifact" "$artifact"
