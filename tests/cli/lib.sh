# Shared by the CLI test scripts: ok/fail bookkeeping and a summary line.
passed=0
failed=0
check() {  # check NAME COMMAND... : passes when the command succeeds
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok $name"
  else failed=$((failed + 1)); echo "FAIL $name"; fi
}
status_is() {  # status_is WANT COMMAND...
  local want=$1; shift
  "$@" >/dev/null 2>&1
  [ $? -eq "$want" ]
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
