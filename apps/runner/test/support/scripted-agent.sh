#!/bin/sh
# A stand-in for `claude --print --verbose --output-format stream-json`, enough for the runner's
# Claude Code adapter: it reads the prompt, names its session, leaves a file in $TMPDIR as both
# real CLIs do, writes its pid to $AGENT_PID_FILE when set, works for $AGENT_SECONDS (default 0)
# as a long agent would, then answers the stage's artifact (the first value of the `type` enum in
# --json-schema) with the TMPDIR it was given as the content.
session=scripted-session
artifact=artifact
while [ $# -gt 0 ]; do
  case "$1" in
    --session-id|--resume) session=$2; shift ;;
    --json-schema) artifact=$(printf '%s' "$2" | sed 's/^[^[]*\["\([^"]*\)".*/\1/'); shift ;;
  esac
  shift
done
cat >/dev/null
printf '{"type":"system","subtype":"init","session_id":"%s","tools":[],"model":"scripted"}\n' "$session"
printf 'a native library\n' > "$TMPDIR/leftover.so"
if [ -n "$AGENT_PID_FILE" ]; then echo $$ > "$AGENT_PID_FILE"; fi
sleep "${AGENT_SECONDS:-0}"
printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"num_turns":1,"result":"done","session_id":"%s","total_cost_usd":0.001,"usage":{"input_tokens":10,"output_tokens":2,"cache_creation_input_tokens":0,"cache_read_input_tokens":0},"structured_output":{"type":"%s","content":"tmp=%s"}}\n' "$session" "$artifact" "$TMPDIR"
