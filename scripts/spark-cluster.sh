#!/usr/bin/env bash
# A local standalone Spark cluster from the pyspark wheel (pip install -e '.[spark]'):
# one master and two workers on 127.0.0.1, small memory, and optionally a Thrift server
# (HiveThriftServer2) on that cluster for the `spark_thrift` target.
#
#   scripts/spark-cluster.sh start [--thrift]   start master + 2 workers (+ Thrift server)
#   scripts/spark-cluster.sh stop               stop what start started (by its pid files)
#   scripts/spark-cluster.sh status
#
# The wheel has no sbin/start-master.sh: the daemons are started with spark-class.
# Environment (defaults in brackets):
#   PEWSTATS_SPARK_DIR       warehouse, metastore, logs and pid files [./spark]
#   PEWSTATS_SPARK_WORKERS   workers [2]      PEWSTATS_SPARK_WORKER_CORES   cores each [1]
#   PEWSTATS_SPARK_WORKER_MEMORY   memory each [1g]
#   PEWSTATS_SPARK_THRIFT_PORT     Thrift port [10000]
# Jobs reach the cluster with PEWSTATS_SPARK_MASTER=spark://127.0.0.1:7077 (session target),
# or through the Thrift server (PEWSTATS_TARGET=spark_thrift for dbt). Derby, the metastore,
# allows one JVM at a time: while the Thrift server runs, use it, not a session-mode dbt.
set -euo pipefail

VENV_PY="${PYTHON:-$(dirname "$0")/../.venv/bin/python}"
SPARK_HOME="${SPARK_HOME:-$("$VENV_PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')}"
export SPARK_HOME
DIR="${PEWSTATS_SPARK_DIR:-$PWD/spark}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
RUN="$DIR/run"
WORKERS="${PEWSTATS_SPARK_WORKERS:-2}"
CORES="${PEWSTATS_SPARK_WORKER_CORES:-1}"
MEMORY="${PEWSTATS_SPARK_WORKER_MEMORY:-1g}"
THRIFT_PORT="${PEWSTATS_SPARK_THRIFT_PORT:-10000}"
MASTER_URL="spark://127.0.0.1:7077"
export SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1

daemon() {  # name, command...: start in the background, remember the pid
    local name="$1"; shift
    if [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
        echo "$name already running (pid $(cat "$RUN/$name.pid"))"; return
    fi
    nohup "$@" >"$RUN/$name.log" 2>&1 &
    echo $! >"$RUN/$name.pid"
    echo "started $name (pid $!, log $RUN/$name.log)"
}

wait_for() {  # port, what
    for _ in $(seq 1 120); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 1
    done
    echo "error: $2 did not open port $1 in 120 s: see $RUN/*.log" >&2
    return 1
}

start() {
    mkdir -p "$RUN"
    daemon master "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
        --host 127.0.0.1 --port 7077 --webui-port 8080
    wait_for 7077 "the master"
    for i in $(seq 1 "$WORKERS"); do
        daemon "worker$i" "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
            --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" --webui-port $((8080 + i)) \
            --work-dir "$RUN/work$i" "$MASTER_URL"
    done
    if [ "${1:-}" = "--thrift" ]; then
        daemon thrift "$SPARK_HOME/bin/spark-submit" --master "$MASTER_URL" \
            --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
            --name pewstats-thrift \
            --conf spark.sql.catalogImplementation=hive \
            --conf "spark.sql.warehouse.dir=$DIR/warehouse" \
            --conf "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$DIR/metastore_db;create=true" \
            --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$DIR" \
            --conf spark.sql.session.timeZone=UTC \
            --conf spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS \
            --conf spark.sql.shuffle.partitions="${PEWSTATS_SPARK_SHUFFLE_PARTITIONS:-4}" \
            --conf spark.sql.sources.partitionOverwriteMode=dynamic \
            --conf spark.executor.memory="${PEWSTATS_SPARK_EXECUTOR_MEMORY:-768m}" \
            --conf spark.ui.enabled=false \
            --hiveconf hive.server2.thrift.bind.host=127.0.0.1 \
            --hiveconf hive.server2.thrift.port="$THRIFT_PORT" \
            spark-internal
        wait_for "$THRIFT_PORT" "the Thrift server"
    fi
    echo "cluster: $MASTER_URL (PEWSTATS_SPARK_MASTER=$MASTER_URL)"
}

stop() {
    for name in thrift $(seq -f 'worker%g' 1 "$WORKERS") master; do
        if [ -f "$RUN/$name.pid" ]; then
            pid="$(cat "$RUN/$name.pid")"
            if kill -0 "$pid" 2>/dev/null; then
                kill "$pid" && echo "stopped $name (pid $pid)"
                for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
            fi
            rm -f "$RUN/$name.pid"
        fi
    done
}

status() {
    for f in "$RUN"/*.pid; do
        [ -e "$f" ] || { echo "not running"; return; }
        name="$(basename "$f" .pid)"
        if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$name running (pid $(cat "$f"))"; else echo "$name dead"; fi
    done
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start [--thrift] | stop | status" >&2; exit 2 ;;
esac
