# lib-serve.sh: sourced by the tests and the benchmark that talk to `clustermatch serve`
# (t901, t902, bench/serve.sh). Not a test itself (tests/run.sh runs only t*.sh).
#
# serve_start LOG ARGS...: start "$CM_BIN" serve on a free loopback port with ARGS, its
# stderr in LOG; sets PID and U (the base URL, no trailing /). Waits up to 60 s for the
# "open http://..." line; exits the calling script with a FAIL line if the server dies or
# never says where it listens.
serve_start() {
    _log=$1; shift
    # Empty the log first: the child truncates it only once it runs, and a log left by an
    # earlier server would otherwise hand us that server's (closed) address.
    : >"$_log"
    "$CM_BIN" serve --listen 127.0.0.1:0 "$@" 2>"$_log" &
    PID=$!
    U=
    _i=0
    while [ $_i -lt 600 ] && [ -z "$U" ]; do
        U=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$_log" | head -1 || true)
        kill -0 "$PID" 2>/dev/null || { cat "$_log"; echo "FAIL: serve exited"; exit 1; }
        [ -n "$U" ] || sleep 0.1
        _i=$((_i + 1))
    done
    [ -n "$U" ] || { cat "$_log"; echo "FAIL: serve did not start"; exit 1; }
}
