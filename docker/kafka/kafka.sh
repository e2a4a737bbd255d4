#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft: one process is both broker and controller) for
# development and tests, run straight from the Maven Central jars (no Docker needed).
#
#   bash docker/kafka/kafka.sh up       fetch the jars once, format fresh storage, start, wait until ready
#   bash docker/kafka/kafka.sh down     stop it (SIGTERM, then SIGKILL after 30 s)
#   bash docker/kafka/kafka.sh status   exit 0 when running and reachable, 3 when not running
#   bash docker/kafka/kafka.sh start    start again on the storage kept since the last up (formats only if none)
#   bash docker/kafka/kafka.sh kill     crash it (SIGKILL at once), keeping its storage: for fault tests
#
# Needs Java 17+ always, and Maven only for the first `up` (to fetch the jars into .cache/kafka/libs).
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_START_TIMEOUT (60 s),
# KAFKA_HEAP_OPTS ("-Xmx512m -Xms256m"), KAFKA_LOG_LEVEL (WARN), KAFKA_HOME_DIR (.cache/kafka).
# Files: .cache/kafka/libs (jars), .cache/kafka/run/{server.properties,broker.log,broker.pid,data/}.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
HOME_DIR="${KAFKA_HOME_DIR:-$ROOT/.cache/kafka}"
LIBS="$HOME_DIR/libs"
RUN="$HOME_DIR/run"
DATA="$RUN/data"
PROPS="$RUN/server.properties"
LOG="$RUN/broker.log"
PIDFILE="$RUN/broker.pid"
POM="$SCRIPT_DIR/pom.xml"
LOG4J2="$SCRIPT_DIR/log4j2.xml"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT=30
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
LOG_LEVEL="${KAFKA_LOG_LEVEL:-WARN}"
JAVA_COMMON=(-Djava.awt.headless=true "-Dlog4j2.configurationFile=$LOG4J2" "-Dkafka.sh.logLevel=$LOG_LEVEL")

say() { printf 'kafka.sh: %s\n' "$*"; }
die() { printf 'kafka.sh: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

port_open() { # port_open PORT: something accepts TCP connections on HOST:PORT
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

broker_pid() { # prints the pid of our broker if its pid file names a live kafka.Kafka process
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be the broker started with our properties file.
  # (Read whole, then matched: a pipe into `grep -q` may close before the writer is done.)
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"kafka.Kafka $PROPS"* ]] || return 1
  printf '%s\n' "$pid"
}

need_java() {
  command -v java >/dev/null 2>&1 \
    || die "java not found on PATH: the local Kafka broker needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)"
  local v major
  local listing
  listing="$(java -version 2>&1)" || die "'java -version' failed"
  v="$(awk -F'"' '/version/ {print $2; exit}' <<<"$listing")"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$v")"
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not read the Java version from 'java -version'"
  ((major >= 17)) || die "Java $v found, Kafka 4 needs Java 17 or newer"
}

libs_ready() { # the jars are there and were fetched with the current pom.xml
  [[ -f "$LIBS/.fetched" && "$(cat "$LIBS/.fetched")" == "$(cksum <"$POM")" ]] \
    && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null
}

fetch_libs() {
  libs_ready && return 0
  command -v mvn >/dev/null 2>&1 \
    || die "mvn not found on PATH: Maven is needed once to fetch the Kafka jars into $LIBS (Debian: apt-get install maven)"
  local version t0 tmp mvnlog
  version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
  say "fetching Apache Kafka ${version} jars from Maven Central with Maven (first run only) ..."
  t0="$(now)"
  mkdir -p "$HOME_DIR"
  tmp="$(mktemp -d "$HOME_DIR/libs.tmp.XXXXXX")"
  chmod 755 "$tmp"
  mvnlog="$HOME_DIR/maven.log"
  if ! mvn -B -ntp -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2 || true
    rm -rf "$tmp"
    die "Maven could not fetch the Kafka jars (full output: $mvnlog)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven ran but no kafka_2.13 jar was copied (see $mvnlog)"; }
  cksum <"$POM" >"$tmp/.fetched"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $(($(now) - t0)) s"
}

write_props() {
  cat >"$PROPS" <<EOF
# Written by docker/kafka/kafka.sh on every 'up'; edit the script, not this file.
process.roles=broker,controller
node.id=1
# Kafka 4 dynamic quorum: storage is formatted with --standalone, so no controller.quorum.voters.
controller.quorum.bootstrap.servers=$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
num.partitions=3
# Convenience for tests; the app creates its topics explicitly.
auto.create.topics.enable=true
# A single node: every internal topic has one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
}

wait_ready() { # wait_ready PID: port open, "Kafka Server started" logged, and (if node+kafkajs exist) metadata answered.
  # Dies if the process exits; returns 1 after KAFKA_START_TIMEOUT seconds.
  local pid="$1" deadline probe=""
  deadline=$(($(now) + START_TIMEOUT))
  if command -v node >/dev/null 2>&1 && [[ -d "$ROOT/node_modules/kafkajs" ]]; then
    probe="$ROOT/node_modules/kafkajs"
  fi
  while :; do
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$LOG" >&2 || true; die "the broker exited during startup (log: $LOG)"; }
    if port_open "$PORT" && grep -q 'Kafka Server started' "$LOG" 2>/dev/null; then
      [[ -z "$probe" ]] && return 0
      # A real round trip: the broker answers a metadata request and lists itself.
      local rc=0
      node -e '
        let kafkajs;
        try { kafkajs = require(process.argv[1]); } catch { process.exit(2); } // e.g. npm install still running
        const { Kafka, logLevel } = kafkajs;
        const admin = new Kafka({ clientId: "kafka-sh-probe", brokers: [process.argv[2]], logLevel: logLevel.NOTHING,
          connectionTimeout: 2000, requestTimeout: 3000, retry: { retries: 0 } }).admin();
        const timer = setTimeout(() => process.exit(1), 5000);
        admin.connect().then(() => admin.describeCluster())
          .then((c) => { if (!c.brokers.length) throw new Error("no brokers"); return admin.disconnect(); })
          .then(() => { clearTimeout(timer); process.exit(0); }, () => process.exit(1));
      ' "$probe" "$HOST:$PORT" >/dev/null 2>&1 || rc=$?
      ((rc == 0 || rc == 2)) && return 0 # 2: kafkajs not loadable, so the log line and the open port have to do
    fi
    if (($(now) >= deadline)); then
      tail -n 40 "$LOG" >&2 || true
      say "the broker did not become ready on $HOST:$PORT within ${START_TIMEOUT} s (log: $LOG)" >&2
      return 1
    fi
    sleep 0.5
  done
}

format_storage() { # wipes $DATA and formats fresh KRaft storage with a new cluster id
  local cluster_id
  rm -rf "$DATA"
  mkdir -p "$DATA"
  # A cluster id is 16 random bytes in URL-safe base64 (22 chars); one starting with '-' would read as a flag.
  cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  say "formatting fresh KRaft storage in $DATA (cluster id $cluster_id) ..."
  if ! java -Xmx256m "${JAVA_COMMON[@]}" -cp "$LIBS/*" kafka.tools.StorageTool \
      format --config "$PROPS" --cluster-id="$cluster_id" --standalone >"$RUN/format.log" 2>&1; then
    cat "$RUN/format.log" >&2
    die "formatting the KRaft storage failed"
  fi
}

cmd_up() { launch fresh; }

cmd_start() { launch keep; }

launch() { # launch fresh|keep: fresh formats new storage; keep reuses the storage of the last run when there is one
  local mode="$1" pid t0
  mkdir -p "$RUN"
  if pid="$(broker_pid)"; then
    if port_open "$PORT"; then
      say "already running (pid $pid) on $HOST:$PORT; nothing to do"
      return 0
    fi
    say "broker pid $pid is alive but $HOST:$PORT is not open yet; waiting for it ..."
    wait_ready "$pid" || die "it is still not ready; stop it with: bash docker/kafka/kafka.sh down"
    say "ready on $HOST:$PORT (pid $pid)"
    return 0
  fi
  rm -f "$PIDFILE"
  need_java
  if port_open "$PORT" || port_open "$CONTROLLER_PORT"; then
    die "port $PORT or $CONTROLLER_PORT on $HOST is already taken by a process this script did not start (see: ss -ltnp); stop it, or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  fi
  fetch_libs

  t0="$(now)"
  write_props
  if [[ "$mode" == keep && -f "$DATA/meta.properties" ]]; then
    say "reusing the KRaft storage in $DATA"
  else
    format_storage
  fi

  say "starting the broker on $HOST:$PORT (controller $HOST:$CONTROLLER_PORT), log: ${LOG#"$ROOT/"} ..."
  # Own session (setsid), so a Ctrl-C meant for the caller does not reach it; fd 9 (the lock) is not inherited.
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  # shellcheck disable=SC2086 # HEAP_OPTS is a list of JVM flags
  "${launcher[@]}" java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent \
    "${JAVA_COMMON[@]}" -cp "$LIBS/*" kafka.Kafka "$PROPS" </dev/null >"$LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PIDFILE"
  if ! wait_ready "$pid"; then
    cmd_down >&2
    die "the broker did not come up; it was stopped again"
  fi
  say "ready on $HOST:$PORT (pid $pid) after $(($(now) - t0)) s"
}

cmd_down() {
  local pid i
  if ! pid="$(broker_pid)"; then
    rm -f "$PIDFILE"
    say "not running"
    return 0
  fi
  say "stopping the broker (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after ${STOP_TIMEOUT} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  say "stopped"
}

cmd_kill() {
  local pid i
  if ! pid="$(broker_pid)"; then
    rm -f "$PIDFILE"
    say "not running"
    return 0
  fi
  say "killing the broker (pid $pid) with SIGKILL; its storage is kept for 'start' ..."
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$PIDFILE"
  say "killed"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if port_open "$PORT"; then
      say "running (pid $pid) on $HOST:$PORT"
      return 0
    fi
    say "process $pid is alive but $HOST:$PORT is not accepting connections (starting, or unhealthy: see $LOG)"
    return 1
  fi
  say "not running"
  return 3
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    up | down | status | start | kill) ;;
    *)
      echo "usage: bash docker/kafka/kafka.sh up|down|status|start|kill" >&2
      exit 2
      ;;
  esac
  mkdir -p "$HOME_DIR"
  # One kafka.sh at a time per home dir (two concurrent 'up's would both format and start).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$HOME_DIR/.lock"
    flock -w 120 9 || die "another kafka.sh is still running (lock: $HOME_DIR/.lock)"
  fi
  "cmd_$cmd"
}

main "$@"
