#!/bin/sh
# An instant stand-in for `claude --print --verbose --output-format stream-json`, just enough for
# the runner's Claude Code adapter: it reads the prompt from stdin, prints the init event with the
# session id it was given (--session-id, or --resume), then a successful result whose
# structured_output is the stage's artifact (the first value of the `type` enum in --json-schema),
# with usage. Plain sh rather than node: the point of the benchmark is the scheduler, and a node
# start per agent run would cost ~40 ms of CPU on a 2-core machine.
session=bench-session
artifact=artifact
while [ $# -gt 0 ]; do
  case "$1" in
    --session-id|--resume) session=$2; shift ;;
    # The first '[' of the schema opens the `type` enum; its first value is the artifact name.
    --json-schema) artifact=$(printf '%s' "$2" | sed 's/^[^[]*\["\([^"]*\)".*/\1/'); shift ;;
  esac
  shift
done
cat >/dev/null
printf '{"type":"system","subtype":"init","session_id":"%s","tools":[],"model":"instant"}\n' "$session"
printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"num_turns":1,"result":"done","session_id":"%s","total_cost_usd":0.001,"usage":{"input_tokens":100,"output_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0},"structured_output":{"type":"%s","content":"The %s artifact, made at once."}}\n' "$session" "$artifact" "$artifact"
