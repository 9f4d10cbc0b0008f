# Wear benchmarks: what a long-lived queue does to Offload. Sourced by bench/run, which runs them with --wear (and
# always with --smoke, at tiny sizes); they use its helpers (log, sql, start_node, wait_ready, stop_process,
# free_port, begin_benchmark, record, fail, json_field, calc, make_batch, await_drained) and its sizes (wear_*).
#
#   wear-seed, wear-retained  drain and enqueue-to-start with $wear_retained_tasks finished tasks kept, next to the
#                             same figures on an empty table measured first in the same run
#   wear-snapshot             a snapshot held for $wear_hold_s s under $wear_rate tasks/s: per-window p50/p99 and
#                             the dead tuples
#   wear-retention            pruning $wear_pruned_tasks finished tasks under $wear_rate tasks/s: how long, and the
#                             latency meanwhile
#
# Autovacuum. This machine's PostgreSQL may run with autovacuum off (server-wide). A table's autovacuum_enabled
# storage parameter cannot turn it back on then: with the server-wide switch off the launcher does not run at all
# (only anti-wraparound vacuums still happen), so ALTER TABLE ... SET (autovacuum_enabled = on) changes nothing.
# So, where it is off: after each seeding, the seeded table gets the VACUUM (ANALYZE) that autovacuum would long
# since have given rows that old; under the steady load of wear-snapshot and wear-retention, the load generator
# stands in for autovacuum (AutovacuumEmulator: the server's own thresholds and cost delay, every naptime). Where
# autovacuum is on, the server's own does the work and the generator only watches.

wear_autovacuum=$(psql -h 127.0.0.1 -U postgres -Atqc 'SHOW autovacuum')

# Finished tasks are kept in offload_task_done (migration V012); the view offload_task_all shows every task.

# wear_clear: no task at all, live or finished.
wear_clear() {
  sql "TRUNCATE offload_task, offload_task_done, offload_task_key CASCADE"
}

# wear_seed N FROM TO WIDTH: N finished noop tasks, finalized evenly over [FROM, TO) (SQL timestamptz expressions),
# into the history, offload_task_done (its partitions of WIDTH, the node's for its retention, made for the range
# first), in chunks of $wear_seed_chunk rows, each its own statement and transaction: progress shows, and no
# transaction is larger than a chunk. Set-based. Ids are UUIDv7 of created_at built from bytes: 48 bits of
# milliseconds, version 7, 12 bits of the row number (RFC 9562's counter within a millisecond), the variant and 62
# random bits. The schema's offload_uuid_v7() and gen_random_uuid() both cost about 10 us a row here (a function
# call, the strong random source), the bytes under 2 us: 15 s instead of 2 minutes for 10 million rows.
# Mostly completed (96%), some discarded (3%,
# one error each) and cancelled before they ran (1%); created, scheduled, attempted and finalized within 45 ms of
# each other. Prints the seconds it took.
wear_seed() {
  local tasks=$1 from=$2 to=$3 width=$4 started lo hi
  started=$(date +%s.%N)
  # Fixed once (as epoch seconds), so that every chunk spreads its rows over the same range.
  read -r from to <<<"$(sql "SELECT extract(epoch FROM ($from)::timestamptz), extract(epoch FROM ($to)::timestamptz)" | tr '|' ' ')"
  # The partitions the node would have made as these tasks became final, of the width its retention gives.
  sql "SELECT offload_task_done_cover(to_timestamp($from), to_timestamp($to), interval '$width')" >/dev/null
  for ((lo = 0; lo < tasks; lo += wear_seed_chunk)); do
    hi=$((lo + wear_seed_chunk < tasks ? lo + wear_seed_chunk : tasks))
    sql "INSERT INTO offload_task_done (id, kind, lane, queue, state, args, priority, attempt, max_attempts, timeout_ms, result,
                             errors, attempted_by, created_at, scheduled_at, attempted_at, finalized_at,
                             cancel_requested_at)
         SELECT encode(int8send((floor(extract(epoch FROM created) * 1000)::bigint << 16) | 28672 | (i & 4095))
                       || int8send(((random() * 2147483647)::bigint << 31) | (random() * 2147483647)::bigint
                                   | (-9223372036854775808)), 'hex')::uuid,
                'noop', 'async', 'default', state, '{}', 5,
                CASE state WHEN 'completed' THEN 1 WHEN 'discarded' THEN 5 ELSE 0 END, 5, 1800000, NULL,
                CASE state WHEN 'discarded'
                  THEN jsonb_build_array(jsonb_build_object('at', finalized, 'attempt', 5, 'message', 'seeded failure'))
                  ELSE '[]' END,
                CASE WHEN state <> 'cancelled' THEN 'seed-node-' || i % 4 END,
                created, created, CASE WHEN state <> 'cancelled' THEN attempted END, finalized,
                CASE WHEN state = 'cancelled' THEN finalized END
         FROM (SELECT i, finalized, finalized - (wait_ms + run_ms) * interval '1 millisecond' AS created,
                      finalized - run_ms * interval '1 millisecond' AS attempted,
                      CASE WHEN i % 100 < 96 THEN 'completed' WHEN i % 100 < 99 THEN 'discarded'
                           ELSE 'cancelled' END AS state
               FROM (SELECT i, to_timestamp(${from}::float8 + (${to} - ${from})::float8 * i / $tasks) AS finalized,
                            1 + i % 5 AS wait_ms, 1 + i * 7 % 40 AS run_ms
                     FROM generate_series($lo, $((hi - 1))) AS i) AS spread) AS seeded"
    log "  seeded $hi of $tasks finished tasks into offload_task_done ($(calc "$(date +%s.%N) - $started") s)"
  done
  calc "$(date +%s.%N) - $started" 3
}

# wear_vacuum: VACUUM (ANALYZE) of the finished tasks' table, as autovacuum would long since have run on rows that
# old (see the top of this file). Prints the seconds it took.
wear_vacuum() {
  local started
  started=$(date +%s.%N)
  sql "VACUUM (ANALYZE) offload_task_done"
  calc "$(date +%s.%N) - $started" 3
}

# wear_table_mib: the task tables (partitions included) with their indexes and TOAST, in MiB.
wear_table_mib() {
  sql "SELECT round(coalesce(sum(pg_total_relation_size(oid)), 0) / 1048576.0, 1)
       FROM pg_class WHERE relkind = 'r' AND relname LIKE 'offload\_task%'"
}

# wear_drain BASE TASKS LOG: TASKS noop tasks inserted through BASE's POST /tasks/batch, all due at one start time
# ${drain_start_after_s} s ahead (as drain-1 does), then drained; timed from the server's timestamps, first
# attempted_at to last finalized_at of the tasks finalized since the insert began (other finished tasks are older).
# Prints "insert_s drain_s tasks_per_s completed"; fails if the insert did not store every task in time.
wear_drain() {
  local base=$1 tasks=$2 logfile=$3 since start_epoch run_at out waiting figures completed span
  local file=$work_dir/wear-batch.json
  since=$(sql "SELECT now()")
  start_epoch=$(($(date +%s) + drain_start_after_s))
  run_at=$(date -u -d "@$start_epoch" +%Y-%m-%dT%H:%M:%SZ)
  make_batch "$file" "$run_at"
  out=$(taskset -c 1 java -jar "$bench_jar" throughput --url "$base/tasks/batch" --method POST --body-file "$file" \
    --expect 202 --connections "$drain_batch_conns" --rounds $((tasks / batch_size / drain_batch_conns)) \
    --warmup-rounds 0 --items-per-request "$batch_size" 2>>"$logfile") || return 1
  waiting=$(sql "SELECT count(*) FROM offload_task WHERE state IN ('available', 'scheduled', 'retryable')")
  if ((waiting != tasks)); then
    log "the insert stored $waiting of $tasks tasks"
    return 1
  fi
  # As drain-1: this PostgreSQL's autovacuum may be off, and on the empty table it would analyze after such an
  # insert; done on both sides, so the two drains differ only in the rows kept.
  sql "ANALYZE offload_task"
  if (($(date +%s) >= start_epoch)); then
    log "the insert took longer than the ${drain_start_after_s} s before the start time"
    return 1
  fi
  while (($(date +%s) < start_epoch)); do sleep 0.1; done
  await_drained "$drain_cap_s" || true
  figures=$(sql "SELECT count(*), coalesce(extract(epoch FROM max(finalized_at) - min(attempted_at)), 0)
                 FROM offload_task_all
                 WHERE state = 'completed' AND finalized_at >= '$since'")
  completed=${figures%%|*} span=${figures##*|}
  echo "$(json_field "$out" seconds) $(calc "$span" 3) $(awk "BEGIN {if ($span > 0) printf \"%.1f\", $completed / $span; else print \"null\"}") $completed"
}

# wear_enqueue BASE LOG: the enqueue-idle benchmark's command against BASE; prints its JSON line.
wear_enqueue() {
  taskset -c 1 java -jar "$bench_jar" enqueue-latency --base "$1" --tasks "$enqueue_n" 2>>"$2"
}

# ---------------------------------------------------------------------------------------------------------------
wear_retained() {
  local name=wear-retained port base logfile=$work_dir/wear-retained.log run
  local -a empty=()
  begin_benchmark wear-seed "Wear: seeding $wear_retained_tasks finished tasks" \
    "Set-based SQL (\`INSERT ... SELECT ... FROM generate_series\`), $wear_seed_chunk rows per statement, into the table finished tasks are kept in (\`offload_task_done\` on this schema); \`noop\` tasks finalized evenly over the 7 days before the run, 96% completed, 3% discarded, 1% cancelled, UUIDv7 ids. \`seed_s\`: the inserts; \`vacuum_s\`: the \`VACUUM (ANALYZE)\` after them (autovacuum is $wear_autovacuum on this server; it would long since have processed rows that old); \`table_mib\`: the task tables with their indexes afterwards." \
    "seeded_tasks seed_s seed_rows_per_s vacuum_s table_mib"
  begin_benchmark wear-retained "Wear: drain and enqueue to start with $wear_retained_tasks finished tasks retained, next to an empty table" \
    "One node (role all, CPU 0; \`tasks.retention\` 8d, so none of the seeded tasks is pruned), warmed up by an uncounted drain of $warm_tasks tasks. First, on an empty table, each run: the enqueue-idle benchmark ($enqueue_n \`noop\` tasks one at a time, \`attempted_at - created_at\`), then the table emptied and the drain-1 benchmark's drain ($wear_drain_tasks tasks through \`POST /tasks/batch\`, all due at once, \`ANALYZE offload_task\` after the insert, timed first \`attempted_at\` to last \`finalized_at\`). Then $wear_retained_tasks finished tasks are seeded (see wear-seed) and the same runs repeat against them, the node still the same, nothing emptied between them (the tasks of each run stay, as they would). Each line pairs run i on the retained table with run i on the empty one: \`*_pct_of_empty\` = retained ÷ empty × 100. $pin_service" \
    "empty_drain_s drain_s drain_s_pct_of_empty empty_p50_ms empty_p99_ms p50_ms p99_ms p99_pct_of_empty drained_pct errors"
  wear_clear
  port=$(free_port)
  base=http://127.0.0.1:$port
  start_node wear-node 0 "$port" OFFLOAD_TASKS_RETENTION=8d
  if ! wait_ready wear-node "$base/ready"; then
    fail wear-seed
    fail wear-retained
    return
  fi
  log "$name: warming the node up with a drain of $warm_tasks tasks (not measured)"
  wear_drain "$base" "$warm_tasks" "$logfile" >/dev/null || fail "$name"
  local enqueue drain
  for ((run = 1; run <= runs; run++)); do
    log "$name: empty table, run $run of $runs"
    wear_clear
    enqueue=$(wear_enqueue "$base" "$logfile") || fail "$name"
    wear_clear
    drain=$(wear_drain "$base" "$wear_drain_tasks" "$logfile") || { fail "$name"; drain=""; }
    empty[run]="$(json_field "$enqueue" p50_ms) $(json_field "$enqueue" p99_ms) $(json_field "$enqueue" errors) $drain"
    log "  empty: p50 p99 errors insert_s drain_s tasks/s completed = ${empty[run]}"
  done
  wear_clear
  local seed_s vacuum_s
  log "$name: seeding $wear_retained_tasks finished tasks"
  seed_s=$(wear_seed "$wear_retained_tasks" "now() - interval '7 days'" "now() - interval '1 hour'" "1 day")
  log "$name: VACUUM (ANALYZE) of the seeded table"
  vacuum_s=$(wear_vacuum)
  record wear-seed "{\"seeded_tasks\":$wear_retained_tasks,\"seed_s\":$seed_s,\"seed_rows_per_s\":$(calc "$wear_retained_tasks / $seed_s" 0),\"vacuum_s\":$vacuum_s,\"table_mib\":$(wear_table_mib),\"errors\":0}"
  local e_p50 e_p99 e_errors e_insert e_drain e_rate e_completed insert_s drain_s rate completed errors
  for ((run = 1; run <= runs; run++)); do
    log "$name: $wear_retained_tasks retained, run $run of $runs"
    enqueue=$(wear_enqueue "$base" "$logfile") || fail "$name"
    drain=$(wear_drain "$base" "$wear_drain_tasks" "$logfile") || { fail "$name"; continue; }
    read -r e_p50 e_p99 e_errors e_insert e_drain e_rate e_completed <<<"${empty[run]}"
    read -r insert_s drain_s rate completed <<<"$drain"
    if [[ -z $e_completed || $enqueue != "{"* ]]; then
      fail "$name"
      continue
    fi
    errors=$((e_errors + $(json_field "$enqueue" errors)))
    record "$name" "{\"retained\":$wear_retained_tasks,\"empty_drain_s\":$e_drain,\"drain_s\":$drain_s,\"drain_s_pct_of_empty\":$(calc "100 * $drain_s / $e_drain"),\"empty_tasks_per_s\":$e_rate,\"tasks_per_s\":$rate,\"empty_insert_s\":$e_insert,\"insert_s\":$insert_s,\"drained_pct\":$(calc "100 * $completed / $wear_drain_tasks"),\"empty_p50_ms\":$e_p50,\"p50_ms\":$(json_field "$enqueue" p50_ms),\"empty_p99_ms\":$e_p99,\"p99_ms\":$(json_field "$enqueue" p99_ms),\"p99_pct_of_empty\":$(calc "100 * $(json_field "$enqueue" p99_ms) / $e_p99"),\"errors\":$errors}"
    ((errors == 0)) || fail "$name"
  done
  stop_process wear-node
  wear_clear
}

# ---------------------------------------------------------------------------------------------------------------
# The steady load's options, common to wear-snapshot and wear-retention.
wear_load_options() {
  echo --database-url "$database_url" --rate "$wear_rate" --warmup-s "$wear_warm_s" --window-s "$wear_window_s" \
    --before-windows "$wear_before_windows" --after-windows "$wear_after_windows" \
    ${wear_naptime_s:+--autovacuum-naptime-s "$wear_naptime_s"}
}

# wear_load_note: what the report says of the steady load.
wear_load_note() {
  echo "Load: $wear_rate \`noop\` tasks/s submitted through \`POST /tasks\` (open loop, on schedule) by the generator (CPU 1) and run by the node's workers (role all, CPU 0), after ${wear_warm_s} s uncounted; then windows of ${wear_window_s} s. A task's latency is the server's \`attempted_at - created_at\`, read from the database by id after the load (nothing polls the service meanwhile); each task counts in the window it was sent in. Dead tuples: \`n_dead_tup\` of pg_stat_user_tables summed over the task tables at each window's end (these statistics lag by a second or so). Autovacuum is $wear_autovacuum on this server$( [[ $wear_autovacuum == on ]] && echo "; it runs as usual" || echo ", and setting \`autovacuum_enabled\` on a table cannot turn it on: the generator stands in for it, every ${wear_naptime_s:-autovacuum_naptime (60)} s running on each table the \`VACUUM\`/\`ANALYZE\` autovacuum would (the server's thresholds, scale factors, cost delay and limit), counted per window")."
}

wear_snapshot() {
  local name=wear-snapshot port base out status windows=$work_dir/wear-snapshot.windows.jsonl
  begin_benchmark "$name" "Wear: a snapshot held for $wear_hold_s s under $wear_rate tasks/s" \
    "$(wear_load_note) After $wear_before_windows window(s), a \`REPEATABLE READ\` transaction reads \`offload_task\` and holds its snapshot for ${wear_hold_s} s, then commits; $wear_after_windows window(s) follow. \`held_window_p99_max_ms\`: the highest p99 of the windows during the hold; \`after_p99_ms\`: the p99 of the last window, which begins $(calc "($wear_after_windows - 1) * $wear_window_s" 0) s after the snapshot ends; \`after_p99_pct_of_before\`: that over the p99 before the hold. A fresh node and an empty table per run. The windows of every run are listed below the figures." \
    "before_p99_ms held_p99_ms held_window_p99_max_ms released_p99_ms after_p99_ms after_p99_pct_of_before dead_tuples_max errors"
  : >"$windows"
  for ((run = 1; run <= runs; run++)); do
    log "$name: run $run of $runs"
    wear_clear
    port=$(free_port)
    base=http://127.0.0.1:$port
    start_node wear-node 0 "$port"
    if wait_ready wear-node "$base/ready"; then
      status=0
      # shellcheck disable=SC2046 # the options are words
      out=$(taskset -c 1 java -jar "$bench_jar" wear-snapshot --base "$base" $(wear_load_options) \
        --hold-s "$wear_hold_s" --windows-file "$windows" 2>>"$work_dir/$name.log") || status=$?
      record "$name" "$out"
      ((status == 0)) || fail "$name"
    else
      fail "$name"
    fi
    stop_process wear-node
  done
  wear_clear
}

# wear_prune_db_s: the pruning's database time in seconds, summed over the node's log lines (standard input) that
# report it: a line that mentions pruning and "database", with a duration, the first in the line, written as
# "1234 ms", "1.2 s" or as Java prints a Duration ("PT1.234S"); warnings and errors (an outage: "pruning finished
# tasks: database unavailable") are not such lines. Empty when no line reports it.
wear_prune_db_s() {
  awk 'tolower($0) ~ /prun/ && tolower($0) ~ /database/ && $0 !~ / (WARN|WARNING|ERROR) / {
    if (match($0, /PT[0-9]+(\.[0-9]+)?S/)) { total += substr($0, RSTART + 2, RLENGTH - 3); n++ }
    else if (match($0, /[0-9]+(\.[0-9]+)? ?(ms|s)([^a-zA-Z]|$)/)) {
      duration = substr($0, RSTART, RLENGTH)
      total += (duration ~ /ms/ ? duration / 1000 : duration + 0); n++
    }
  } END {if (n) printf "%.3f", total}'
}

wear_retention() {
  local name=wear-retention port base out status seed_s vacuum_s oldest newest remaining pruned db_s from_log
  local windows=$work_dir/wear-retention.windows.jsonl marker=$work_dir/wear-retention.locked lines
  begin_benchmark "$name" "Wear: retention prunes $wear_pruned_tasks finished tasks under $wear_rate tasks/s" \
    "$(wear_load_note) Per run, on an empty table: $wear_pruned_tasks finished tasks are seeded (as in wear-seed), finalized evenly between 8 and 2 days ago, then given a \`VACUUM (ANALYZE)\`; a fresh node starts with \`tasks.retention\` 1d and \`tasks.retention_interval\` 1s, so all of them are past the retention. The generator holds the retention lock (the advisory lock the pruner tries before each batch) from before the node starts, so the pruner skips its turns through the warm-up and $wear_before_windows window(s); then it lets go, and follows the pruning with two primary-key lookups every 100 ms: \`prune_start_s\` from the release until the oldest seeded task is gone (up to one retention interval), \`prune_s\` from then until the newest is (the pruner goes oldest first: the wall time of the pruning, to within 0.1 s). \`prune_db_s\`: the pruning's database time as the node logs it, summed over its log lines that report it; where the node logs no such line (\`prune_db_from_log\` 0), it is \`prune_s\`. \`during_p99_ms\`: the p99 of the tasks sent between the release and the end of the pruning; \`during_window_p99_max_ms\`: the highest p99 of the windows that overlap it; $wear_after_windows window(s) follow the one in which it ended. \`pruned\`: seeded tasks gone at the end. The windows of every run are listed below the figures." \
    "pruned prune_s prune_db_s before_p99_ms during_p99_ms during_window_p99_max_ms after_p99_ms errors"
  : >"$windows"
  for ((run = 1; run <= runs; run++)); do
    log "$name: run $run of $runs"
    wear_clear
    log "$name: seeding $wear_pruned_tasks finished tasks past the retention"
    seed_s=$(wear_seed "$wear_pruned_tasks" "now() - interval '8 days'" "now() - interval '2 days'" "1 hour")
    vacuum_s=$(wear_vacuum)
    oldest=$(sql "SELECT id FROM offload_task_done ORDER BY finalized_at LIMIT 1")
    newest=$(sql "SELECT id FROM offload_task_done ORDER BY finalized_at DESC LIMIT 1")
    rm -f "$marker" "$work_dir/$name.out"
    port=$(free_port)
    base=http://127.0.0.1:$port
    # shellcheck disable=SC2046 # the options are words
    taskset -c 1 java -jar "$bench_jar" wear-retention --base "$base" $(wear_load_options) --oldest "$oldest" \
      --newest "$newest" --cap-s "$wear_prune_cap_s" --locked-marker "$marker" --windows-file "$windows" \
      >"$work_dir/$name.out" 2>>"$work_dir/$name.log" &
    pids[wear-generator]=$!
    for ((i = 0; i < 600; i++)); do
      [[ -s $marker ]] && break
      kill -0 "${pids[wear-generator]}" 2>/dev/null || break
      sleep 0.1
    done
    status=0 lines=0
    if [[ -s $marker ]]; then
      lines=$(cat "$work_dir/wear-node.log" 2>/dev/null | wc -l)
      start_node wear-node 0 "$port" OFFLOAD_TASKS_RETENTION=1d OFFLOAD_TASKS_RETENTION_INTERVAL=1s
      wait_ready wear-node "$base/ready" || status=1
    else
      log "$name: the generator did not take the retention lock"
      status=1
    fi
    wait "${pids[wear-generator]}" || status=1
    unset "pids[wear-generator]"
    stop_process wear-node
    out=$(cat "$work_dir/$name.out")
    remaining=$(sql "SELECT count(*) FROM offload_task_all WHERE finalized_at < now() - interval '1 day'")
    pruned=$((wear_pruned_tasks - remaining))
    db_s=$(tail -n +$((lines + 1)) "$work_dir/wear-node.log" | wear_prune_db_s)
    from_log=1
    if [[ -z $db_s ]]; then
      db_s=$(json_field "$out" prune_s) from_log=0
    fi
    if [[ $out == "{"* ]]; then
      out="${out%\}},\"seeded\":$wear_pruned_tasks,\"seed_s\":$seed_s,\"vacuum_s\":$vacuum_s,\"pruned\":$pruned,\"prune_db_s\":${db_s:-null},\"prune_db_from_log\":$from_log}"
    fi
    record "$name" "$out"
    ((status == 0)) || fail "$name"
  done
  wear_clear
}

# wear_benchmarks: the group, in order.
wear_benchmarks() {
  wear_retained
  wear_snapshot
  wear_retention
}

# wear_targets: the group's rows of targets.tsv.
wear_targets() {
  local t=$'\t'
  echo "wear-retained${t}drain_s_pct_of_empty${t}median${t}<=${t}120${t}Wear, $wear_retained_tasks finished tasks retained: drain time within 20% of the empty table's"
  echo "wear-retained${t}p99_pct_of_empty${t}median${t}<=${t}120${t}Wear, $wear_retained_tasks finished tasks retained: enqueue-to-start p99 within 20% of the empty table's"
  echo "wear-snapshot${t}held_window_p99_max_ms${t}worst${t}<=${t}50${t}Wear, snapshot held ${wear_hold_s} s at $wear_rate tasks/s: p99 ≤ 50 ms in every ${wear_window_s} s window"
  echo "wear-snapshot${t}after_p99_pct_of_before${t}median${t}<=${t}120${t}Wear, snapshot: back to normal within $(calc "($wear_after_windows - 1) * $wear_window_s" 0) s of its end (that window's p99 within 20% of before the hold)"
  echo "wear-retention${t}prune_db_s${t}median${t}<=${t}5${t}Wear, retention of $wear_pruned_tasks finished tasks: under 5 s of database time"
  echo "wear-retention${t}during_window_p99_max_ms${t}worst${t}<=${t}50${t}Wear, retention at $wear_rate tasks/s: no window's p99 over 50 ms during it"
}
