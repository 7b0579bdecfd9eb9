#!/usr/bin/env bash
# Checks the Spark job end to end on this machine: pyspark in a virtual environment, a corpus
# of several thousand JSON Lines posts, the job in local mode with 2 workers (the binary given
# by path, then shipped with --files), and its records compared with those of one
# `whosaid extract` over the same posts; then both outputs loaded, and their exports compared.
#
#   examples/spark/check.sh            (WHOSAID=path/to/whosaid to use a build of your own;
#                                       WHOSAID_SPARK_POSTS=N posts, 5000 by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${WHOSAID_SPARK_WORK:-$root/target/spark-check}
posts=${WHOSAID_SPARK_POSTS:-5000}
pyspark_version=4.3.0

whosaid=${WHOSAID:-}
if [ -z "$whosaid" ]; then
    (cd "$root" && cargo build --release --locked --quiet)
    whosaid=$root/target/release/whosaid
fi
whosaid=$(realpath "$whosaid")

# Java 17 runs Spark 4; python3 with venv runs the job.
if ! command -v java >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless
fi
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi
mkdir -p "$work"
if ! "$work/venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
    rm -rf "$work/venv"
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet "pyspark==$pyspark_version"
fi
export PYSPARK_PYTHON="$work/venv/bin/python"
export PYSPARK_DRIVER_PYTHON="$work/venv/bin/python"
export SPARK_LOCAL_IP=127.0.0.1

rm -rf "$work/posts" "$work/out-path" "$work/out-shipped" "$work"/*.db "$work"/*.jsonl "$work"/*.csv
python3 "$here/make_posts.py" "$whosaid" "$root/data/samples/bbc-live-2025-03-15.txt" "$work/posts" --posts "$posts"
lines=$(cat "$work"/posts/*.jsonl | wc -l)
echo "check: $lines posts in $(ls "$work/posts" | wc -l) files, $(du -sh "$work/posts" | cut -f1)"

seconds() { date +%s.%N; }
# Posts, start and end times: seconds and posts a second.
rate() { python3 -c "import sys; n, a, b = map(float, sys.argv[1:]); print(f'{b - a:.1f} s, {n / (b - a):.0f} posts/s')" "$1" "$2" "$3"; }

t0=$(seconds)
cat "$work"/posts/*.jsonl | "$whosaid" extract - --quiet > "$work/single.jsonl"
t1=$(seconds)
echo "check: one whosaid extract: $(rate "$lines" "$t0" "$t1")"

submit() {
    "$work/venv/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false \
        --driver-java-options "-Dlog4j2.level=warn" "$@" 2> "$work/spark.log" \
        || { tail -50 "$work/spark.log" >&2; exit 1; }
}
t0=$(seconds)
submit "$here/whosaid_spark.py" "$work/posts" "$work/out-path" --whosaid "$whosaid" --partitions 4
t1=$(seconds)
echo "check: Spark, local[2], binary by path: $(rate "$lines" "$t0" "$t1") (with Spark's start)"
submit --files "$whosaid" "$here/whosaid_spark.py" "$work/posts" "$work/out-shipped" --whosaid whosaid --partitions 3 --compress

sort "$work/single.jsonl" > "$work/single.sorted.jsonl"
for out in out-path out-shipped; do
    gzip -dcf "$work/$out"/part-* | sort > "$work/$out.sorted.jsonl"
    if ! cmp -s "$work/single.sorted.jsonl" "$work/$out.sorted.jsonl"; then
        echo "check: FAILED: Spark's records ($out) differ from one extract's:" >&2
        diff "$work/single.sorted.jsonl" "$work/$out.sorted.jsonl" | head -5 >&2
        exit 1
    fi
done
statements=$(grep -c '"type":"statement"' "$work/single.jsonl")
sources=$(grep -c '"type":"source"' "$work/single.jsonl")
echo "check: Spark's records are one extract's: $sources sources, $statements statements, $(wc -l < "$work/single.jsonl") records (the binary by path, and shipped with --files writing gzip)"

"$whosaid" --db "$work/single.db" load "$work/single.jsonl" > /dev/null
"$whosaid" --db "$work/spark.db" load "$work/out-shipped" > /dev/null
# The statements' ids follow the order of loading (Spark lists the files in an order of its
# own): compared without them.
without_ids() { "$whosaid" --db "$1" export --format jsonl | python3 -c '
import json, sys
for line in sys.stdin:
    row = json.loads(line); row.pop("id"); print(json.dumps(row, sort_keys=True))' | sort; }
without_ids "$work/single.db" > "$work/single.export.jsonl"
without_ids "$work/spark.db" > "$work/spark.export.jsonl"
if ! cmp -s "$work/single.export.jsonl" "$work/spark.export.jsonl"; then
    echo "check: FAILED: the export of Spark's output loaded differs from one extract's" >&2
    diff "$work/single.export.jsonl" "$work/spark.export.jsonl" | head -5 >&2
    exit 1
fi
for command in actors topics; do
    if ! cmp -s <("$whosaid" --db "$work/single.db" $command --format csv) \
                <("$whosaid" --db "$work/spark.db" $command --format csv); then
        echo "check: FAILED: '$command' differs between the two databases" >&2
        exit 1
    fi
done
# compare's evidence is a statement id, which follows the order of loading: named by its
# words instead (of statements that weigh the same, the first loaded is the evidence, and
# the corpus repeats words on the same day).
stances() { "$whosaid" --db "$1" compare --format jsonl | python3 -c '
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for line in sys.stdin:
    row = json.loads(line)
    row["evidence"] = db.execute(
        "SELECT published_at, actor, kind, words FROM statements_view WHERE id = ?",
        (row["evidence"],)).fetchone()
    print(json.dumps(row, sort_keys=True))' "$1"; }
if ! cmp -s <(stances "$work/single.db") <(stances "$work/spark.db"); then
    echo "check: FAILED: 'compare' differs between the two databases" >&2
    exit 1
fi
# Loaded again, it adds nothing.
"$whosaid" --db "$work/spark.db" load "$work/out-path" | grep -q " 0 statements added" \
    || { echo "check: FAILED: loading again added statements" >&2; exit 1; }
echo "check: loaded, the two exports are the same ($(wc -l < "$work/spark.export.jsonl") rows), as are actors, topics and compare; loading again adds nothing"
echo "check: ok"
