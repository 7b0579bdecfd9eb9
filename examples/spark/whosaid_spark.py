#!/usr/bin/env python3
"""whosaid on Apache Spark: reads a directory of JSON Lines posts (one post or article a
line), pipes each partition through `whosaid extract -`, and writes the records (statements,
with the text and posts `whosaid load` needs) as JSON Lines partitions. Each line is a source
of its own to whosaid, so the output does not depend on how Spark splits the input.

    spark-submit whosaid_spark.py POSTS_DIR OUT_DIR [--whosaid PATH] [--partitions N]

The binary: `--whosaid /path/to/whosaid` where it is installed at that path on every node
(and in local mode); shipped with `spark-submit --files /path/to/whosaid`, found by its name
in each executor's SparkFiles; else `whosaid` on each node's PATH.

Load the output with `whosaid load OUT_DIR`, or query it where it lies, for example with
Spark SQL: spark.read.json(OUT_DIR).where("type = 'statement'").
"""
import argparse
import os
import shlex
import shutil
import stat
import subprocess
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def extract_partition(binary, extra):
    """A partition's lines through a whosaid shipped with --files, found on the executor."""

    def run(lines):
        path = SparkFiles.get(binary)
        if not os.access(path, os.X_OK):
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        proc = subprocess.Popen([path, "extract", "-", "--quiet", *extra],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)

        def feed():
            try:
                for line in lines:
                    proc.stdin.write(line.encode("utf-8") + b"\n")
            finally:
                proc.stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        for out in proc.stdout:
            yield out.decode("utf-8").rstrip("\n")
        feeder.join()
        if proc.wait() != 0:
            raise RuntimeError(f"whosaid extract exited with {proc.returncode}")

    return run


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("posts", help="a directory (or glob) of JSON Lines posts")
    p.add_argument("out", help="where to write the records (must not exist)")
    p.add_argument("--whosaid", default="whosaid",
                   help="the binary: a path on every node, or a name (shipped or on PATH)")
    p.add_argument("--partitions", type=int, help="at least this many partitions")
    p.add_argument("--skip-bad", action="store_true",
                   help="pass over bad lines instead of failing the partition")
    p.add_argument("--compress", action="store_true",
                   help="gzip the partitions (the records are some ten times their gzip; "
                        "whosaid load reads them as they are)")
    args = p.parse_args()

    spark = SparkSession.builder.appName("whosaid-extract").getOrCreate()
    sc = spark.sparkContext
    lines = sc.textFile(args.posts, minPartitions=args.partitions or sc.defaultParallelism)
    extra = ["--skip-bad"] if args.skip_bad else []
    name = os.path.basename(args.whosaid)
    shipped = name in {os.path.basename(f) for f in
                       sc.getConf().get("spark.files", "").split(",") if f}
    if shipped:
        records = lines.mapPartitions(extract_partition(name, extra))
    else:
        binary = args.whosaid if os.path.sep in args.whosaid else shutil.which(args.whosaid)
        if binary is None:
            raise SystemExit(f"whosaid_spark: no {args.whosaid} on PATH: give --whosaid PATH "
                             "or ship it with --files")
        command = " ".join(shlex.quote(a) for a in [binary, "extract", "-", "--quiet", *extra])
        # checkCode: a partition whose extract failed fails the job, rather than leaving
        # a source without its end record in the output.
        records = lines.pipe(command, checkCode=True)
    codec = "org.apache.hadoop.io.compress.GzipCodec" if args.compress else None
    records.saveAsTextFile(args.out, compressionCodecClass=codec)
    spark.stop()


if __name__ == "__main__":
    main()
